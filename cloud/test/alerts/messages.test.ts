import { describe, expect, it } from 'vitest';
import { alertText, escalationText } from '../../src/alerts/messages.js';

const ctx = {
  venueName: 'The Anchor',
  timezone: 'Europe/London',
  locationName: 'Main Bar',
  itemName: "Tito's",
  bottleSizeMl: 750,
  unit: 'bottle',
  deviceName: 'bar-pi-1',
};

describe('alert text', () => {
  it('says where, what, how much and the reorder point', () => {
    expect(alertText('low_stock', { level: 1.4, reorderPoint: 2 }, ctx)).toBe(
      "Low: Tito's 750 ml at Main Bar, 1.4 bottles left (reorder at 2).",
    );
  });
  it('writes a fractional reorder point as it was set, never as the level rounded alike', () => {
    // one decimal printed "0.7 bottles left (reorder at 0.8)" for 0.71 under a reorder point of 0.75
    expect(alertText('low_stock', { level: 0.71, reorderPoint: 0.75 }, ctx)).toBe(
      "Low: Tito's 750 ml at Main Bar, 0.71 bottles left (reorder at 0.75).",
    );
    expect(alertText('low_stock', { level: 0.5, reorderPoint: 0.5 }, { ...ctx, unit: 'keg' })).toBe(
      "Low: Tito's 750 ml at Main Bar, 0.5 kegs left (reorder at 0.5).",
    );
  });
  it('says out, apart from low, and what is left when it is not quite zero', () => {
    expect(alertText('out_of_stock', { level: 0 }, ctx)).toBe("Out of Tito's 750 ml at Main Bar.");
    expect(alertText('out_of_stock', { level: 0.08 }, ctx)).toBe("Out of Tito's 750 ml at Main Bar (0.08 bottles left).");
    expect(alertText('out_of_stock', { level: -0.4 }, ctx)).toBe("Out of Tito's 750 ml at Main Bar.");
  });
  it('mentions an order only when one is suggested: cases of a size, the supplier and the draft', () => {
    const low = { level: 1.4, reorderPoint: 2 };
    const order = { cases: 1, caseSize: 6, supplier: "Southern Glazer's" };
    expect(alertText('low_stock', { ...low, order }, ctx)).toBe(
      "Low: Tito's 750 ml at Main Bar, 1.4 bottles left (reorder at 2). Order 1 case of 6 from Southern Glazer's.",
    );
    expect(
      alertText(
        'low_stock',
        {
          ...low,
          order: {
            ...order,
            cases: 2,
            draft: { number: 'PO-1A2B3C4D', link: 'https://bar.example/#/orders/1a2b3c4d-0000-4000-8000-000000000000' },
          },
        },
        ctx,
      ),
    ).toBe(
      "Low: Tito's 750 ml at Main Bar, 1.4 bottles left (reorder at 2). Order 2 cases of 6 from Southern Glazer's, on draft PO-1A2B3C4D: https://bar.example/#/orders/1a2b3c4d-0000-4000-8000-000000000000",
    );
  });
  it('without a public dashboard URL names the draft and gives no link', () => {
    expect(
      alertText('out_of_stock', { level: 0, order: { cases: 3, caseSize: 1, supplier: 'Metro', draft: { number: 'PO-00AA11BB' } } }, ctx),
    ).toBe("Out of Tito's 750 ml at Main Bar. Order 3 bottles from Metro, on draft PO-00AA11BB in the dashboard.");
    expect(
      alertText(
        'forecast_stockout',
        { days: 2, order: { cases: 1, caseSize: 12, supplier: 'Metro', draft: { number: 'PO-00AA11BB' } } },
        ctx,
      ),
    ).toBe(
      "Main Bar: Tito's 750 ml runs out in about 2 days at the current pace. Order 1 case of 12 from Metro, on draft PO-00AA11BB in the dashboard.",
    );
  });
  it('names the device and the local time it went away', () => {
    expect(alertText('device_offline', { deviceId: 'x', since: '2026-11-20T21:04:00Z' }, ctx)).toBe(
      'The Anchor: device bar-pi-1 offline since 21:04. Its camera counts are paused until it returns.',
    );
  });
  it('escalation prefixes how long it went unacknowledged', () => {
    expect(escalationText('Main Bar: x.', 30)).toBe('Unacknowledged for 30 min: Main Bar: x.');
  });
});

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
  it('says out, apart from low, and what is left when it is not quite zero', () => {
    expect(alertText('out_of_stock', { level: 0 }, ctx)).toBe("Out of Tito's 750 ml at Main Bar.");
    expect(alertText('out_of_stock', { level: 0.08 }, ctx)).toBe("Out of Tito's 750 ml at Main Bar (0.1 bottles left).");
    expect(alertText('out_of_stock', { level: -0.4 }, ctx)).toBe("Out of Tito's 750 ml at Main Bar.");
  });
  it('mentions an order only when one is suggested', () => {
    expect(
      alertText('low_stock', { level: 1.4, reorderPoint: 2, order: { quantity: 1, unit: 'case', supplier: "Southern Glazer's" } }, ctx),
    ).toBe("Low: Tito's 750 ml at Main Bar, 1.4 bottles left (reorder at 2). Order suggested: 1 case from Southern Glazer's.");
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

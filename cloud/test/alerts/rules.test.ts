import { describe, expect, it } from 'vitest';
import { defaultAlertsConfig } from '../../src/alerts/config.js';
import { RULES, type StockReading } from '../../src/alerts/rules.js';

const cfg = defaultAlertsConfig().rules;
const at = new Date('2026-11-20T18:00:00Z');
const stock = (level: number): StockReading => ({
  orgId: 'o',
  venueId: 'v',
  itemId: 'i',
  locationId: 'l',
  level,
  reorderPoint: 2,
  trusted: true,
  at,
});

describe('alert rules', () => {
  it('low stock: breach at or below the reorder point, clear only above it plus the margin', () => {
    expect(RULES.low_stock.classify(stock(2), cfg)).toBe('breach');
    expect(RULES.low_stock.classify(stock(1.4), cfg)).toBe('breach');
    expect(RULES.low_stock.classify(stock(2.4), cfg)).toBe('band');
    expect(RULES.low_stock.classify(stock(2.6), cfg)).toBe('clear');
    expect(RULES.low_stock.subject(stock(1)).key).toBe('item:i@l');
  });

  it('low stock: (nearly) empty is out, not low, so an open low alert clears', () => {
    expect(RULES.low_stock.classify(stock(0), cfg)).toBe('clear');
    expect(RULES.low_stock.classify(stock(0.05), cfg)).toBe('clear');
    expect(RULES.low_stock.classify(stock(0.2), cfg)).toBe('breach');
  });

  it('out of stock: breach when (nearly) empty', () => {
    expect(RULES.out_of_stock.classify(stock(0.05), cfg)).toBe('breach');
    expect(RULES.out_of_stock.classify(stock(0.3), cfg)).toBe('band');
    expect(RULES.out_of_stock.classify(stock(1), cfg)).toBe('clear');
  });

  it('camera stale: no frame for longer than the limit, or never', () => {
    const cam = (lastFrameAt: Date | null) => ({ orgId: 'o', venueId: 'v', deviceId: 'd', cameraId: 'c', lastFrameAt, at });
    expect(RULES.camera_stale.classify(cam(new Date(at.getTime() - 30_000)), cfg)).toBe('clear');
    expect(RULES.camera_stale.classify(cam(new Date(at.getTime() - 121_000)), cfg)).toBe('breach');
    expect(RULES.camera_stale.classify(cam(null), cfg)).toBe('breach');
  });

  it('device offline raises on duration only', () => {
    const h = RULES.device_offline.hysteresis(cfg);
    expect(h.raiseAfterReadings).toBe(Infinity);
    expect(h.raiseAfterMs).toBe(300_000);
    expect(RULES.device_offline.classify({ orgId: 'o', venueId: 'v', deviceId: 'd', online: false, at }, cfg)).toBe('breach');
  });

  it('outbox backlog: breach at the depth, clear under half of it', () => {
    const ob = (depth: number) => ({ orgId: 'o', venueId: 'v', deviceId: 'd', depth, at });
    expect(RULES.outbox_backlog.classify(ob(500), cfg)).toBe('breach');
    expect(RULES.outbox_backlog.classify(ob(300), cfg)).toBe('band');
    expect(RULES.outbox_backlog.classify(ob(100), cfg)).toBe('clear');
  });

  it('forecast and loss rules are ready for their data', () => {
    const f = (d: number | null) => ({ orgId: 'o', venueId: 'v', itemId: 'i', locationId: 'l', daysUntilStockout: d, at });
    expect(RULES.forecast_stockout.classify(f(2), cfg)).toBe('breach');
    expect(RULES.forecast_stockout.classify(f(null), cfg)).toBe('clear');
    const loss = (u: number) => ({ orgId: 'o', venueId: 'v', itemId: 'i', locationId: 'l', unexplainedUnits: u, at });
    expect(RULES.unexplained_loss.classify(loss(3), cfg)).toBe('breach');
    expect(RULES.unexplained_loss.classify(loss(0.5), cfg)).toBe('clear');
  });
});

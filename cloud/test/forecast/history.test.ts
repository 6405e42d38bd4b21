import { describe, expect, it } from 'vitest';
import { demandHistory, toPoints, type DayFacts } from '../../src/forecast/history.js';
import { daysOfStock } from '../../src/forecast/stock-days.js';

const fact = (day: string, f: Partial<DayFacts>): DayFacts => ({
  day,
  sold: 0,
  sales: 0,
  received: 0,
  countedUse: 0,
  counts: 0,
  ledgerLevel: null,
  cameraUnits: null,
  offCamera: 0,
  ...f,
});

describe('demand history', () => {
  it('POS sales from the first sale on, a day without a sale is zero, a day ending at zero stock is censored', () => {
    const days = demandHistory(
      [
        fact('2025-03-02', { sold: 4, sales: 2, ledgerLevel: 10 }),
        fact('2025-03-04', { sold: 3, sales: 1, ledgerLevel: 0 }),
        fact('2025-03-05', { received: 12, ledgerLevel: 12 }),
      ],
      '2025-03-01',
      '2025-03-05',
    );
    expect(days).toEqual([
      { date: '2025-03-01', quantity: null, source: 'none' },
      { date: '2025-03-02', quantity: 4, source: 'pos' },
      { date: '2025-03-03', quantity: 0, source: 'pos' },
      { date: '2025-03-04', quantity: null, source: 'stockout' },
      { date: '2025-03-05', quantity: 0, source: 'pos' },
    ]);
    expect(toPoints(days)[0]).toEqual({ date: '2025-03-02', quantity: 4 });
  });

  it('camera depletion: use between readings with receipts taken out, spread over the days between', () => {
    const days = demandHistory(
      [
        fact('2025-03-01', { cameraUnits: 10 }),
        fact('2025-03-03', { cameraUnits: 4 }),
        fact('2025-03-04', { cameraUnits: 12, received: 12 }),
        fact('2025-03-05', { cameraUnits: 20 }),
        fact('2025-03-06', { cameraUnits: 0 }),
      ],
      '2025-03-01',
      '2025-03-06',
    );
    expect(days.map((d) => [d.quantity, d.source])).toEqual([
      [null, 'none'],
      [3, 'camera'],
      [3, 'camera'],
      [4, 'camera'],
      // a rise no receipt explains is unknown, not negative demand
      [null, 'none'],
      // the shelf ran empty: at least 20 went, maybe more
      [null, 'stockout'],
    ]);
  });

  it('stock off camera: an empty shelf with bottles in the well is no stockout; a delivery to the well is no camera rise', () => {
    const pos = demandHistory(
      [
        fact('2025-03-01', { sold: 2, sales: 1, cameraUnits: 4, offCamera: 3 }),
        fact('2025-03-02', { sold: 4, sales: 2, cameraUnits: 0, offCamera: 3 }),
      ],
      '2025-03-01',
      '2025-03-02',
    );
    expect(pos.map((d) => [d.quantity, d.source])).toEqual([
      [2, 'pos'],
      [4, 'pos'],
    ]);
    const camera = demandHistory(
      [fact('2025-03-01', { cameraUnits: 10 }), fact('2025-03-02', { cameraUnits: 7, received: 6, offCamera: 6 })],
      '2025-03-01',
      '2025-03-02',
    );
    // 10 on the shelf, then 7 on it and the 6 delivered in the well: 3 used
    expect(camera.map((d) => [d.quantity, d.source])).toEqual([
      [null, 'none'],
      [3, 'camera'],
    ]);
  });

  it('count depletion, without cameras: what each count found used since the last, per day', () => {
    const days = demandHistory(
      [fact('2025-03-01', { counts: 1, ledgerLevel: 9 }), fact('2025-03-04', { counts: 1, countedUse: 6, ledgerLevel: 3 })],
      '2025-03-01',
      '2025-03-04',
    );
    expect(days.map((d) => [d.quantity, d.source])).toEqual([
      [null, 'none'],
      [2, 'count'],
      [2, 'count'],
      [2, 'count'],
    ]);
  });
});

describe('days of stock', () => {
  const pts = ['2025-03-05', '2025-03-06', '2025-03-07'].map((date) => ({ date, mean: 4, lo80: 0, hi80: 0, lo95: 0, hi95: 0 }));
  it('counts from today, fractional on the day it runs out, null past the forecast, 0 when out', () => {
    expect(daysOfStock(6, pts, '2025-03-05')).toBe(1.5);
    expect(daysOfStock(6, pts, '2025-03-06')).toBe(1.5);
    expect(daysOfStock(20, pts, '2025-03-05')).toBeNull();
    expect(daysOfStock(0, pts, '2025-03-05')).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { shelfSchema } from '../../src/config/schema.js';
import { SlotTracker } from '../../src/shelf/slot-tracker.js';
import { assignToSlots, pointInPolygon } from '@smartstock/models';
import { bottleAt } from '../helpers/scripted-vision.js';

const rules = shelfSchema.parse({ consistentReadings: 3, occlusionHoldReadings: 6 });
const bottles = (n: number, lastFill = 1, score = 0.9) =>
  Array.from({ length: n }, (_, i) => bottleAt(100 + i * 30, 100, i === n - 1 ? lastFill : 1, score));

describe('slot tracker', () => {
  it('reports a count only after N consistent readings, with units = full + open fill', () => {
    const t = new SlotTracker(rules);
    expect(t.read(bottles(3, 0.62))).toBeNull();
    expect(t.read(bottles(3, 0.62))).toBeNull();
    const v = t.read(bottles(3, 0.62));
    expect(v).toMatchObject({ count: 3, fills: [1, 1, 0.62], units: 2.62, state: 'ok' });
    expect(t.read(bottles(3, 0.62))).toBeNull(); // unchanged: nothing to report
  });

  it('ignores a one-off miscount', () => {
    const t = new SlotTracker(rules);
    for (let i = 0; i < 3; i++) t.read(bottles(3));
    expect(t.read(bottles(2))).toBeNull();
    expect(t.read(bottles(3))).toBeNull();
    expect(t.value!.count).toBe(3);
  });

  it('holds the last good value while occluded, and marks it', () => {
    const t = new SlotTracker(rules);
    for (let i = 0; i < 3; i++) t.read(bottles(4));
    const held = t.read([]); // someone in front: all four vanish at once
    expect(held).toMatchObject({ count: 4, state: 'occluded' });
    expect(t.read(bottles(1, 1, 0.2))).toBeNull();
    expect(t.read(bottles(4))).toMatchObject({ count: 4, state: 'ok' });
  });

  it('is as sure of a count confirmed by agreeing readings as their scores say', () => {
    const t = new SlotTracker(rules);
    t.read(bottles(2, 1, 0.8));
    t.read(bottles(2, 1, 0.8));
    expect(t.read(bottles(2, 1, 0.8))).toMatchObject({ count: 2, confidence: 0.8 });
    // readings that disagree make it less sure: 3 of the last 5 agree
    const u = new SlotTracker(rules);
    for (const n of [1, 3, 2, 2, 2]) u.read(bottles(n, 1, 0.8));
    expect(u.value).toMatchObject({ count: 2, confidence: 0.64 });
  });

  it('a weak reading of the count it holds neither calls the slot occluded nor moves its fills', () => {
    const t = new SlotTracker(rules);
    for (let i = 0; i < 3; i++) t.read(bottles(2, 0.5));
    expect(t.read(bottles(2, 0.1, 0.3))).toBeNull(); // one bottle behind an arm, seen faintly
    expect(t.value).toMatchObject({ count: 2, fills: [1, 0.5], state: 'ok' });
    const occluded = t.read([]);
    expect(occluded).toMatchObject({ count: 2, state: 'occluded' });
    expect(t.read(bottles(2, 0.5, 0.3))).toMatchObject({ count: 2, state: 'ok' }); // back, even if faint
  });

  it('believes a clear-out that lasts', () => {
    const t = new SlotTracker(rules);
    for (let i = 0; i < 3; i++) t.read(bottles(4));
    let last = null;
    for (let i = 0; i < 6; i++) last = t.read([]) ?? last;
    expect(t.value).toMatchObject({ count: 0, units: 0, state: 'ok' });
    expect(last).toMatchObject({ count: 0 });
  });

  it('treats an opaque bottle as a full unit', () => {
    const t = new SlotTracker({ ...rules, consistentReadings: 1 });
    expect(t.read([bottleAt(10, 10, null), bottleAt(40, 10, 0.5)])).toMatchObject({ fills: [null, 0.5], units: 1.5 });
  });
});

describe('slot geometry', () => {
  const square = [
    [0.1, 0.1],
    [0.5, 0.1],
    [0.5, 0.5],
    [0.1, 0.5],
  ] as [number, number][];
  it('tests points against polygons', () => {
    expect(pointInPolygon(0.3, 0.3, square)).toBe(true);
    expect(pointInPolygon(0.6, 0.3, square)).toBe(false);
  });
  it('assigns bottles by their box centre, left to right', () => {
    const slots = [
      { id: 'a', sku: 'A', polygon: square },
      { id: 'b', sku: 'B', polygon: square.map(([x, y]) => [x + 0.45, y] as [number, number]) },
    ];
    const a = {
      width: 640,
      height: 480,
      bottles: [bottleAt(200, 150), bottleAt(100, 150), bottleAt(400, 150), bottleAt(630, 470)],
      timings: { decodeMs: 0, detectMs: 0, fillMs: 0, totalMs: 0 },
    };
    const m = assignToSlots(a, slots);
    expect(m.get('a')!.map((b) => b.box.x)).toEqual([90, 190]);
    expect(m.get('b')).toHaveLength(1);
  });
});

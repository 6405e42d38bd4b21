import { describe, expect, it } from 'vitest';
import { shelfRows } from '../src/lib/shelf-rows';
import { slotLabel, slotState, STATUS_FRESH_MS } from '../src/lib/slot-state';
import { defaultRange, periodOf } from '../src/lib/chart-range';
import type { Device, History, Slot } from '../src/lib/types';

const slot = (id: string, name: string | null, y: number): Slot => ({
  id,
  name,
  itemId: null,
  polygon: [
    [0.1, y],
    [0.2, y],
    [0.2, y + 0.2],
  ],
});

describe('shelf rows', () => {
  it('groups by the row in the names, rows and slots in natural order', () => {
    const rows = shelfRows(
      [
        slot('r2-s1', 'Row 2, slot 1', 0.5),
        slot('r1-s10', 'Row 1, slot 10', 0.1),
        slot('r1-s2', 'Row 1, slot 2', 0.1),
        slot('r10-s1', 'Row 10, slot 1', 0.9),
      ],
      (s) => s,
    );
    expect(rows.map((r) => [r.label, r.slots.map((s) => s.id)])).toEqual([
      ['Row 1', ['r1-s2', 'r1-s10']],
      ['Row 2', ['r2-s1']],
      ['Row 10', ['r10-s1']],
    ]);
  });

  it('without rows in the names, rows from where the slots sit, top to bottom', () => {
    const rows = shelfRows(
      [slot('slot-3', null, 0.6), slot('slot-10', null, 0.05), slot('slot-2', null, 0.1), slot('slot-1', null, 0.62)],
      (s) => s,
    );
    expect(rows.map((r) => [r.label, r.slots.map((s) => s.id)])).toEqual([
      ['Row 1', ['slot-2', 'slot-10']],
      ['Row 2', ['slot-1', 'slot-3']],
    ]);
    expect(shelfRows([slot('b', null, 0.1), slot('a', null, 0.1)], (s) => s)).toEqual([
      { label: 'Slots', slots: [slot('a', null, 0.1), slot('b', null, 0.1)] },
    ]);
  });
});

describe('slot state', () => {
  const device = (state: string, online = true) =>
    ({ id: 'd', online, health: { cameras: [{ id: 'cam-1', state }] } }) as unknown as Device;
  it('is stale only while the camera is', () => {
    expect(slotState({ state: 'stale' }, device('streaming'), 'cam-1')).toBe('ok');
    expect(slotState({ state: 'ok' }, device('stale'), 'cam-1')).toBe('stale');
    expect(slotState({ state: 'occluded' }, device('streaming'), 'cam-1')).toBe('occluded');
    expect(slotState({ state: 'ok' }, device('streaming', false), 'cam-1')).toBe('stale');
    // no health report yet: the reading says
    expect(slotState({ state: 'stale' }, undefined, 'cam-1')).toBe('stale');
    expect(slotState(undefined, device('streaming'), 'cam-1')).toBe('none');
  });
  it('is never live on a status the device made too long ago (the last run kept across a restart)', () => {
    const now = Date.parse('2026-12-06T18:00:00Z');
    const reported = (msAgo: number) =>
      ({
        id: 'd',
        online: true,
        health: { at: new Date(now - msAgo).toISOString(), cameras: [{ id: 'cam-1', state: 'streaming' }] },
      }) as unknown as Device;
    expect(slotState({ state: 'ok' }, reported(60_000), 'cam-1', now)).toBe('ok');
    expect(slotState({ state: 'ok' }, reported(STATUS_FRESH_MS + 1000), 'cam-1', now)).toBe('silent');
    expect(slotState({ state: 'ok' }, reported(2 * 3_600_000), 'cam-1', now)).toBe('silent');
    const readAt = new Date(now - 2 * 3_600_000 - 60_000).toISOString();
    expect(slotLabel('silent', readAt, now)).toBe('2 h old');
    expect(slotLabel('ok', readAt, now)).toBe('Live');
  });
});

describe('chart range', () => {
  const now = Date.parse('2026-12-06T12:00:00Z');
  const history = (hoursAgo: number[]): History =>
    ({
      observations: [],
      transactions: hoursAgo.map((h) => ({ at: new Date(now - h * 3_600_000).toISOString(), after: 1 })),
    }) as unknown as History;
  it('defaults to the smallest range that holds the history, at least a day', () => {
    expect(defaultRange(history([]), now)).toBe('24h');
    expect(defaultRange(history([0.1]), now)).toBe('24h');
    expect(defaultRange(history([30, 2]), now)).toBe('7d');
    expect(defaultRange(history([24 * 20]), now)).toBe('30d');
    expect(defaultRange(history([24 * 90]), now)).toBe('30d');
  });
  it('ends a little after now', () => {
    const p = periodOf('24h', now);
    expect(p.from.getTime()).toBe(now - 86_400_000);
    expect(p.to.getTime()).toBeGreaterThan(now);
  });
});

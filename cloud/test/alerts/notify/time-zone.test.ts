import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { notifyHarness, openNotifyDb } from './harness.js';
import type { Db } from '../../../src/db/index.js';

/**
 * Issue 24, finding 6: a venue whose stored time zone the runtime does not know (saved before
 * names were checked) must not stop its own alerts, nor any other venue's daily summary.
 */
describe('notifier and a venue with an unknown time zone', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openNotifyDb();
  });
  afterAll(async () => {
    vi.useRealTimers();
    await db.close();
  });

  it('routes its alerts and sends every venue its summary, the unknown zone read as UTC', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-20T09:05:00Z'));
    const now = () => new Date();
    const mars = await notifyHarness(db, {}, now);
    const earth = await notifyHarness(db, {}, now);
    try {
      await db.query("UPDATE venues SET name = 'Olympus Lounge', timezone = 'Mars/Olympus' WHERE id = $1", [mars.bar.venueId]);
      await mars.person('owner', { channels: ['log'], quietStart: 0, quietEnd: 60, dailySummary: true });
      await earth.person('owner', { channels: ['log'], dailySummary: true });

      await mars.lowStock(await mars.item('Mezcal'));
      await earth.notifier.tick();
      await earth.notifier.drain();
      const bodies = (await earth.rows()).map((r) => r.body);
      expect(bodies.filter((b) => b.includes('Mezcal'))).toHaveLength(1);
      expect(bodies.filter((b) => / daily: /.test(b)).sort()).toEqual([
        'Olympus Lounge daily: 1 open alert (1 low stock); 1 raised and 0 resolved in the last 24 h.',
        'The Anchor daily: no open alerts; 0 raised and 0 resolved in the last 24 h.',
      ]);
    } finally {
      await mars.close();
      await earth.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/index.js';
import { AlertRepository, type NewAlert } from '../../src/alerts/alert.repository.js';
import { AlertContextRepository } from '../../src/alerts/context.repository.js';
import type { DbFactory } from '../support/db.js';
import { seedBar, seedMember, type Bar } from './fixtures.js';

export function describeAlertRepository(f: DbFactory) {
  describe(`AlertRepository on ${f.name}`, () => {
    let db: Db;
    let repo: AlertRepository;
    let bar: Bar;
    const at = new Date('2026-11-20T18:00:00Z');
    const lowStock = (): NewAlert => ({
      orgId: bar.orgId,
      venueId: bar.venueId,
      rule: 'low_stock',
      subject: { key: `item:${bar.itemId}@${bar.locationId}`, itemId: bar.itemId, locationId: bar.locationId },
      severity: 'warning',
      message: 'Main Bar: low',
      details: { level: 1.4 },
      at,
    });
    beforeAll(async () => {
      db = await f.open();
      repo = new AlertRepository(db);
      bar = await seedBar(db);
    });
    afterAll(() => f.dispose(db));

    it('keeps one open alert per (rule, subject), even when raised concurrently', async () => {
      const results = await Promise.all([1, 2, 3].map(() => db.transaction((tx) => new AlertRepository(tx).raise(lowStock()))));
      expect(results.filter(Boolean)).toHaveLength(1);
      const open = await repo.findOpen(bar.orgId, 'low_stock', lowStock().subject.key);
      expect(open).toMatchObject({ state: 'raised', itemId: bar.itemId, details: { level: 1.4 } });
      expect(open!.raisedAt).toBeInstanceOf(Date);
    });

    it('moves raised → escalated → acknowledged → resolved, with history, and refuses going back', async () => {
      const a = (await repo.findOpen(bar.orgId, 'low_stock', lowStock().subject.key))!;
      expect(await repo.transition(bar.orgId, a.id, 'escalated', new Date(at.getTime() + 1), null)).toMatchObject({ state: 'escalated' });
      const user = await seedMember(db, bar.orgId, 'manager');
      expect(await repo.transition(bar.orgId, a.id, 'acknowledged', new Date(at.getTime() + 2), user)).toMatchObject({
        state: 'acknowledged',
        acknowledgedBy: user,
      });
      expect(await repo.transition(bar.orgId, a.id, 'escalated', new Date(at.getTime() + 3), null)).toBeUndefined();
      expect(await repo.transition(bar.orgId, a.id, 'resolved', new Date(at.getTime() + 4), user, 'ordered')).toMatchObject({
        state: 'resolved',
        resolvedBy: user,
      });
      const h = await repo.history(bar.orgId, a.id);
      expect(h.map((e) => e.state)).toEqual(['raised', 'escalated', 'acknowledged', 'resolved']);
      expect(h.at(-1)!.note).toBe('ordered');
      // once resolved, the next episode gets a new alert
      expect(await repo.raise(lowStock())).toBeDefined();
    });

    it('lists newest first, filtered by state, venue and cursor; summarises counts', async () => {
      const all = await repo.list(bar.orgId);
      expect(all).toHaveLength(2);
      expect((await repo.list(bar.orgId, { states: ['resolved'] })).map((a) => a.state)).toEqual(['resolved']);
      expect(await repo.list(bar.orgId, { venueId: bar.venueId, before: at })).toEqual([]);
      expect(await repo.summary(bar.orgId, bar.venueId, at)).toEqual({ open: { low_stock: 1 }, raised: 2, resolved: 1 });
    });

    it('stores condition state, lists due ones and deletes idle ones', async () => {
      const base = { orgId: bar.orgId, venueId: bar.venueId, rule: 'device_offline' as const, subjectKey: 'device:x', at };
      const state = { active: false, breachCount: 1, breachSince: at.toISOString(), clearCount: 0 };
      await db.transaction(async (tx) => {
        await new AlertRepository(tx).saveCondition({ ...base, state, raiseAt: new Date(at.getTime() + 1000) });
        expect(await new AlertRepository(tx).lockCondition(bar.orgId, 'device_offline', 'device:x')).toEqual(state);
      });
      expect(await repo.dueConditions(at)).toEqual([]);
      expect(await repo.dueConditions(new Date(at.getTime() + 1000))).toEqual([
        { orgId: bar.orgId, venueId: bar.venueId, rule: 'device_offline', subjectKey: 'device:x' },
      ]);
      await repo.saveCondition({ ...base, state: { active: false, breachCount: 0, breachSince: null, clearCount: 0 }, raiseAt: null });
      expect(await repo.lockCondition(bar.orgId, 'device_offline', 'device:x')).toBeUndefined();
    });

    it('describes an alert in the bar’s words, and nothing of another organisation', async () => {
      const ctx = new AlertContextRepository(db);
      expect(
        await ctx.describe(bar.orgId, { venueId: bar.venueId, itemId: bar.itemId, locationId: bar.locationId, deviceId: bar.deviceId }),
      ).toEqual({
        venueName: 'The Anchor',
        timezone: 'Europe/London',
        locationName: 'Main Bar',
        itemName: "Tito's",
        bottleSizeMl: 750,
        unit: 'bottle',
        supplier: "Southern Glazer's",
        deviceName: 'bar-pi-1',
      });
      const other = await seedBar(db, 'Other Org');
      expect(await ctx.describe(other.orgId, { venueId: other.venueId, itemId: bar.itemId })).toMatchObject({ itemName: undefined });
    });

    it('keeps the history in the order it happened when event ids pass a power of ten', async () => {
      // the history once sorted by its id cast to text, where 10000 comes before 9999
      const alert = (await repo.findOpen(bar.orgId, 'low_stock', lowStock().subject.key))!;
      await db.query(`SELECT setval(pg_get_serial_sequence('alert_events', 'id'), 9998)`);
      await repo.transition(bar.orgId, alert.id, 'escalated', new Date(at.getTime() + 5), null);
      await repo.transition(bar.orgId, alert.id, 'resolved', new Date(at.getTime() + 6), null, 'ordered');
      expect((await repo.history(bar.orgId, alert.id)).map((event) => event.state)).toEqual(['raised', 'escalated', 'resolved']);
    });
  });
}

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Db } from '../../src/db/index.js';
import { defaultAlertsConfig } from '../../src/alerts/config.js';
import { createAlertEngine } from '../../src/alerts/engine.js';
import type { AlertNotice } from '../../src/alerts/notify/index.js';
import type { DbFactory } from '../support/db.js';
import { manualClock, seedBar, type Bar } from './fixtures.js';

const MIN = 60_000;

export function describeAlertEngine(f: DbFactory) {
  describe(`alert engine on constructed series, ${f.name}`, () => {
    let db: Db;
    let bar: Bar;
    let clock: ReturnType<typeof manualClock>;
    let notices: AlertNotice[];
    let engine: ReturnType<typeof createAlertEngine>;
    beforeAll(async () => {
      db = await f.open();
    });
    afterAll(() => f.dispose(db));
    beforeEach(async () => {
      bar = await seedBar(db);
      clock = manualClock();
      notices = [];
      engine = createAlertEngine({
        db,
        config: defaultAlertsConfig(),
        logger: pino({ level: 'silent' }),
        now: clock.now,
        notify: async (_tx, n) => void notices.push(n),
      });
    });

    const stock = (level: number, trusted = true) => {
      clock.advance(MIN);
      return engine.stockLevel({
        orgId: bar.orgId,
        venueId: bar.venueId,
        itemId: bar.itemId,
        locationId: bar.locationId,
        level,
        reorderPoint: 2,
        trusted,
        at: clock.now(),
      });
    };
    const alerts = () => engine.list(bar.orgId);

    it('flapping around the reorder point raises low stock once, and one message goes out', async () => {
      for (let i = 0; i < 30; i++) await stock(i % 2 ? 2.1 : 1.9);
      const list = await alerts();
      expect(list.map((a) => [a.rule, a.state])).toEqual([['low_stock', 'raised']]);
      expect(notices).toHaveLength(1);
      expect(notices[0]!.text).toBe("Low: Tito's 750 ml at Main Bar, 1.9 bottles left (reorder at 2).");
    });

    it("names ordering's suggestion, asked once per raise outside the alert's transaction; a failing one only leaves it out", async () => {
      let asked = 0;
      engine = createAlertEngine({
        db,
        config: defaultAlertsConfig(),
        logger: pino({ level: 'silent' }),
        now: clock.now,
        notify: async (_tx, n) => void notices.push(n),
        orderSuggestion: async (orgId, itemId, locationId) => {
          asked++;
          // the database is free: the alert's transaction is not holding it (PGlite has one connection)
          const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM items WHERE org_id = $1 AND id = $2', [orgId, itemId]);
          expect(locationId).toBe(bar.locationId);
          return { cases: Number(rows[0]!.n), caseSize: 6, supplier: "Southern Glazer's", draft: { number: 'PO-0000AAAA' } };
        },
      });
      for (let i = 0; i < 6; i++) await stock(i % 2 ? 2.1 : 1.9);
      expect(asked).toBe(1);
      expect(notices.map((n) => n.text)).toEqual([
        "Low: Tito's 750 ml at Main Bar, 1.9 bottles left (reorder at 2). Order 1 case of 6 from Southern Glazer's, on draft PO-0000AAAA in the dashboard.",
      ]);
      engine = createAlertEngine({
        db,
        config: defaultAlertsConfig(),
        logger: pino({ level: 'silent' }),
        now: clock.now,
        notify: async (_tx, n) => void notices.push(n),
        orderSuggestion: async () => {
          throw new Error('ordering is down');
        },
      });
      for (const l of [0, 0, 0]) await stock(l);
      expect(notices.map((n) => n.text)[1]).toBe("Out of Tito's 750 ml at Main Bar.");
    });

    it('clears only above reorder point + margin, keeping history; a new dip is a new alert', async () => {
      for (const l of [1.5, 1.5, 1.5, 2.4, 2.4, 2.6, 2.7]) await stock(l);
      let [a] = await alerts();
      expect(a!.state).toBe('resolved');
      expect((await engine.history(bar.orgId, a!.id)).map((e) => e.state)).toEqual(['raised', 'resolved']);
      for (const l of [1, 1, 1]) await stock(l);
      const list = await alerts();
      expect(list.filter((x) => x.state !== 'resolved')).toHaveLength(1);
      a = list.find((x) => x.state === 'raised');
      expect(a!.message).toContain(', 1 bottle left');
    });

    it('a stale camera raises camera stale and never low stock, even with empty shelves', async () => {
      const cam = () => {
        clock.advance(MIN);
        return engine.cameraStatus({
          orgId: bar.orgId,
          venueId: bar.venueId,
          deviceId: bar.deviceId,
          cameraId: 'cam-1',
          locationId: bar.locationId,
          lastFrameAt: new Date('2026-11-20T17:00:00Z'),
          at: clock.now(),
        });
      };
      await cam();
      // the core marks counts from the frozen camera untrusted …
      for (let i = 0; i < 5; i++) await stock(0, false);
      // … and even if a reading slipped through as trusted, the location's stale camera vetoes it
      for (let i = 0; i < 5; i++) await stock(0, true);
      await cam();
      expect((await alerts()).map((a) => a.rule)).toEqual(['camera_stale']);
      expect(notices.map((n) => n.alert.rule)).toEqual(['camera_stale']);
    });

    it('device offline raises from the tick after the grace period, and clears when it returns', async () => {
      await engine.deviceStatus({ orgId: bar.orgId, venueId: bar.venueId, deviceId: bar.deviceId, online: false, at: clock.now() });
      clock.advance(4 * MIN);
      expect(await engine.tick()).toEqual([]);
      clock.advance(2 * MIN);
      const [raised] = await engine.tick();
      expect(raised!.rule).toBe('device_offline');
      expect(raised!.message).toBe('The Anchor: device bar-pi-1 offline since 18:00. Its camera counts are paused until it returns.');
      expect(await engine.tick()).toEqual([]);
      const [resolved] = await engine.deviceStatus({
        orgId: bar.orgId,
        venueId: bar.venueId,
        deviceId: bar.deviceId,
        online: true,
        at: clock.now(),
      });
      expect(resolved!.state).toBe('resolved');
    });

    it('escalates once when unacknowledged; acknowledged alerts do not escalate', async () => {
      for (const l of [1, 1, 1]) await stock(l);
      await engine.outboxDepth({ orgId: bar.orgId, venueId: bar.venueId, deviceId: bar.deviceId, depth: 900, at: clock.now() });
      clock.advance(MIN);
      await engine.outboxDepth({ orgId: bar.orgId, venueId: bar.venueId, deviceId: bar.deviceId, depth: 900, at: clock.now() });
      clock.advance(MIN);
      await engine.outboxDepth({ orgId: bar.orgId, venueId: bar.venueId, deviceId: bar.deviceId, depth: 900, at: clock.now() });
      const backlog = (await alerts()).find((a) => a.rule === 'outbox_backlog')!;
      expect(await engine.acknowledge(bar.orgId, backlog.id, null)).toMatchObject({ state: 'acknowledged' });
      clock.advance(31 * MIN);
      const esc = (await engine.tick()).filter((a) => a.orgId === bar.orgId);
      expect(esc.map((a) => [a.rule, a.state])).toEqual([['low_stock', 'escalated']]);
      expect(notices.filter((n) => n.kind === 'escalation' && n.alert.orgId === bar.orgId).map((n) => n.text)).toEqual([
        expect.stringMatching(/^Unacknowledged for 30 min: Low: Tito's .* at Main Bar/),
      ]);
      expect(await engine.tick()).toEqual([]);
      // acknowledging twice is refused; resolving works once
      expect(await engine.acknowledge(bar.orgId, backlog.id, null)).toBeUndefined();
      expect(await engine.resolve(bar.orgId, backlog.id, null)).toMatchObject({ state: 'resolved' });
      expect(await engine.resolve(bar.orgId, backlog.id, null)).toBeUndefined();
    });

    it('another organisation cannot see or touch the alerts', async () => {
      for (const l of [1, 1, 1]) await stock(l);
      const [a] = await alerts();
      const other = await seedBar(db, 'Rival Ltd');
      expect(await engine.list(other.orgId)).toEqual([]);
      expect(await engine.acknowledge(other.orgId, a!.id, null)).toBeUndefined();
      expect(await engine.get(other.orgId, a!.id)).toBeUndefined();
    });
  });
}

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '@smartstock/runtime';
import type { LiveMessage } from '@smartstock/api';
import type { Db, Queryable } from '../../src/db/index.js';
import { LiveEventRepository } from '../../src/live/live-event.repository.js';
import { LiveHub } from '../../src/live/hub.js';
import { messageOf } from './frames.js';
import { VenueRepository } from '../../src/venues/venue.repository.js';
import { pgFactory } from '../support/db.js';

/**
 * Live ids come from a sequence, so a writer that took id N can commit after one that took N+1 (ingest
 * commits two batches at once, and several clouds write). A cursor past N+1 must still get N, on a
 * reconnect and in the hub's catch-up after a bus outage. Two real connections: PGlite has one.
 */
describe('live events committed out of id order, on PostgreSQL', () => {
  let db: Db;
  let orgId: string;
  let venueId: string;
  let hub: LiveHub;
  /** the bus's "I may have dropped messages" callback, as the hub gave it */
  let busResumed: () => void = () => undefined;
  /** while set the bus drops every live notify (an outage), and tells this of each id dropped */
  let dropping: ((ids: number[]) => void) | undefined;
  const pushed: LiveMessage[] = [];
  const waiting = new Map<number, () => void>();
  const arrived = (id: number) =>
    pushed.some((m) => m.cursor === id) ? Promise.resolve() : new Promise<void>((resolve) => waiting.set(id, resolve));

  beforeAll(async () => {
    db = await pgFactory.open();
    const venues = new VenueRepository(db);
    orgId = (await venues.createOrganisation('Late Org')).id;
    venueId = (await venues.createVenue(orgId, { name: 'V' })).id;
    const bus: Db = Object.assign(Object.create(db) as Db, {
      listen: (channel: string, onMessage: (payload: string) => void, onResume?: () => void) => {
        busResumed = onResume ?? busResumed;
        return db.listen(channel, (payload) => (dropping ? dropping(payload.split(',').map(Number)) : onMessage(payload)), onResume);
      },
    });
    hub = new LiveHub(bus, createLogger('test', { level: 'silent' }));
    await hub.start();
    await hub.subscribe({
      orgId,
      venueId,
      send: (frame) => {
        const m = messageOf(frame);
        pushed.push(m);
        waiting.get(Number(m.cursor))?.();
      },
    });
  });
  afterAll(async () => {
    await hub.stop();
    await pgFactory.dispose(db);
  });

  let n = 0;
  const append = (q: Queryable) => new LiveEventRepository(q).append(orgId, venueId, 'device', { deviceId: `dev-${++n}`, online: true });

  /** Opens transaction A and appends its event; B appends after it (a higher id) and commits first. Resolves when B is pushed. */
  async function lateWriter() {
    let commitA!: () => void;
    const aMayCommit = new Promise<void>((resolve) => (commitA = resolve));
    let aAppended!: (id: number) => void;
    const aId = new Promise<number>((resolve) => (aAppended = resolve));
    const aCommitted = db.transaction(async (tx) => {
      aAppended(Number(await append(tx)));
      await aMayCommit;
    });
    const a = await aId;
    const b = Number(await db.transaction((tx) => append(tx)));
    expect(b).toBeGreaterThan(a);
    await arrived(b);
    return { a, b, commitA: () => (commitA(), aCommitted) };
  }

  const reconnect = async (cursor: number) => {
    const got: LiveMessage[] = [];
    const unsubscribe = await hub.subscribe({ orgId, venueId, send: (frame) => got.push(messageOf(frame)) }, cursor);
    unsubscribe();
    return got;
  };

  it('replays an event committed after the cursor the client holds, though its id is below it', async () => {
    const { a, b, commitA } = await lateWriter();
    // the dashboard holds cursor b and drops; A commits while it is away
    await commitA();
    await arrived(a);
    const got = await reconnect(b);
    expect(got.map((m) => m.cursor)).toContain(a);
  });

  it('replays nothing twice after a cursor whose events all committed in id order', async () => {
    const first = Number(await db.transaction((tx) => append(tx)));
    await arrived(first);
    const second = Number(await db.transaction((tx) => append(tx)));
    await arrived(second);
    expect((await reconnect(first)).map((m) => m.cursor)).toEqual([second]);
    expect(await reconnect(second)).toEqual([]);
    // the events of one transaction below the cursor committed with it
    const together = await db.transaction((tx) =>
      new LiveEventRepository(tx).appendMany(
        [1, 2, 3].map((i) => ({ orgId, venueId, type: 'device' as const, data: { deviceId: `batch-${i}`, online: true } })),
      ),
    );
    await arrived(together[2]!);
    expect(await reconnect(together[2]!)).toEqual([]);
  });

  it("catches up on an event committed during a bus outage, though its id is below the hub's highest", async () => {
    const { a, commitA } = await lateWriter();
    const dropped = new Promise<void>((resolve) => (dropping = (ids) => ids.includes(a) && resolve()));
    await commitA();
    await dropped;
    dropping = undefined;
    busResumed();
    // the catch-up runs on its own: give it a few seconds to push what the outage dropped
    await vi.waitFor(() => expect(pushed.filter((m) => m.cursor === a)).toHaveLength(1), { timeout: 5000 });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, OWNER, type TestCloud } from '../support/cloud.js';
import { TOPICS } from '@smartstock/protocol';
import { makeBatch, makeObservation, makeOnlineStatus } from '@smartstock/protocol/testing';
import { OrgService } from '../../src/orgs/index.js';
import { blobKey, deleteOrgBlobs } from '../../src/blobs/index.js';
import { connectDevice, waitFor } from '../support/device.js';

const OPERATOR = 'ops@smartstock.test';
const signup = (email: string, organisation = 'Quayside Taverns') => ({
  organisation,
  name: 'Quinn',
  email,
  password: 'a long signup password',
});

describe('organisations: sign-up, operator, suspension, deletion', () => {
  let t: TestCloud;
  beforeAll(async () => {
    t = await build({ orgs: { operators: [OPERATOR] } });
  });
  afterAll(() => t?.close());

  const opToken = async () => {
    const r = await t.api('POST', '/api/v1/signup', { body: signup(OPERATOR, 'SmartStock Ops') });
    return r.status === 201 ? (r.body.accessToken as string) : t.login(OPERATOR, 'a long signup password');
  };

  it('signs up a new organisation with its owner, signed in, apart from every other', async () => {
    const r = await t.api('POST', '/api/v1/signup', { body: signup('quinn@quayside.test') });
    expect(r.status).toBe(201);
    expect(r.body.user).toMatchObject({ email: 'quinn@quayside.test', role: 'owner', mustChangePassword: false });
    expect(r.body.user.orgId).not.toBe(t.demo.orgId);
    const org = await t.api('GET', '/api/v1/organisation', { token: r.body.accessToken });
    expect(org.body).toMatchObject({ id: r.body.user.orgId, name: 'Quayside Taverns', suspendedAt: null, deletionDueAt: null });
    expect((await t.api('GET', '/api/v1/venues', { token: r.body.accessToken })).body).toEqual([]);
    // the same e-mail again, and bad input, are refused naming the field
    const again = await t.api('POST', '/api/v1/signup', { body: signup('quinn@quayside.test', 'Other') });
    expect(again.status).toBe(409);
    expect(again.body.error.field).toBe('email');
    const short = await t.api('POST', '/api/v1/signup', { body: { ...signup('x@y.test'), password: 'short' } });
    expect(short.status).toBe(400);
    expect(short.body.error.field).toBe('body.password');
  });

  it('lets only operators list, create and suspend organisations', async () => {
    for (const [m, p, body] of [
      ['GET', '/api/v1/operator/organisations', undefined],
      ['POST', '/api/v1/operator/organisations', { organisation: 'X', ownerEmail: 'x@x.test' }],
      ['POST', `/api/v1/operator/organisations/${t.demo.orgId}/suspend`, { reason: 'x' }],
      ['POST', `/api/v1/operator/organisations/${t.demo.orgId}/resume`, undefined],
    ] as const) {
      const r = await t.api(m, p, { token: t.ownerToken, body });
      expect(r.status, p).toBe(403);
      expect(r.body.error.message).toMatch(/operator/);
    }
    const op = await opToken();
    const list = await t.api('GET', '/api/v1/operator/organisations', { token: op });
    expect(list.status).toBe(200);
    expect(list.body.find((o: { id: string }) => o.id === t.demo.orgId)).toMatchObject({ name: 'Harbour Bars Ltd', venues: 1 });
    const created = await t.api('POST', '/api/v1/operator/organisations', {
      token: op,
      body: { organisation: 'Riverside Inns', ownerEmail: 'rita@riverside.test' },
    });
    expect(created.status).toBe(201);
    expect(created.body.invitation).toMatchObject({ email: 'rita@riverside.test', role: 'owner', status: 'pending' });
    expect(created.body.invitation.link).toMatch(/\/#\/invite\/[A-Za-z0-9_-]{20,}$/);
    const joined = await t.api('POST', '/api/v1/invitations/accept', {
      body: { token: created.body.invitation.token, name: 'Rita', password: 'rita’s long password' },
    });
    expect(joined.status).toBe(201);
    expect(joined.body.user).toMatchObject({ role: 'owner', orgId: created.body.organisation.id });
    expect(
      (await t.api('POST', `/api/v1/operator/organisations/${crypto.randomUUID()}/suspend`, { token: op, body: { reason: 'x' } })).status,
    ).toBe(404);
  });

  it('refuses a suspended organisation at sign-in, on refresh and on every API call, until resumed', async () => {
    const op = await opToken();
    const s = await t.api('POST', '/api/v1/signup', { body: signup('sam@suspended.test', 'Unpaid Bars') });
    const orgId = s.body.user.orgId as string;
    const suspended = await t.api('POST', `/api/v1/operator/organisations/${orgId}/suspend`, {
      token: op,
      body: { reason: 'invoice unpaid' },
    });
    expect(suspended.status).toBe(200);
    expect(suspended.body.suspendedReason).toBe('invoice unpaid');
    const call = await t.api('GET', '/api/v1/venues', { token: s.body.accessToken });
    expect(call.status).toBe(403);
    expect(call.body.error).toMatchObject({ code: 'organisation-suspended' });
    expect(call.body.error.message).toMatch(/suspended.*invoice unpaid/);
    const login = await t.api('POST', '/api/v1/auth/login', { body: { email: 'sam@suspended.test', password: 'a long signup password' } });
    expect(login.status).toBe(403);
    expect(login.body.error.code).toBe('organisation-suspended');
    const refresh = await t.api('POST', '/api/v1/auth/refresh', { body: { refreshToken: s.body.refreshToken } });
    expect(refresh.body.error.code).toBe('organisation-suspended');
    // other organisations go on
    expect((await t.api('GET', '/api/v1/venues', { token: t.ownerToken })).status).toBe(200);
    expect((await t.api('POST', `/api/v1/operator/organisations/${orgId}/resume`, { token: op })).body.suspendedAt).toBeNull();
    expect((await t.api('GET', '/api/v1/venues', { token: s.body.accessToken })).status).toBe(200);
  });

  it('schedules a deletion with a grace period, cancellable; the repeat job then deletes everything the organisation had', async () => {
    const s = await t.api('POST', '/api/v1/signup', { body: signup('dana@leaving.test', 'Leaving Bars') });
    const token = s.body.accessToken as string;
    const orgId = s.body.user.orgId as string;
    const venue = await t.api('POST', '/api/v1/venues', { token, body: { name: 'The Last Orders' } });
    expect(venue.status).toBe(201);
    await t.cloud.seedDemo(orgId);
    const wrong = await t.api('POST', '/api/v1/organisation/deletion', { token, body: { confirm: 'leaving bars' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ code: 'confirmation-mismatch', field: 'confirm' });
    const scheduled = await t.api('POST', '/api/v1/organisation/deletion', { token, body: { confirm: 'Leaving Bars' } });
    expect(scheduled.status).toBe(200);
    const due = new Date(scheduled.body.deletionDueAt).getTime();
    expect(due - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect((await t.api('DELETE', '/api/v1/organisation/deletion', { token })).body.deletionDueAt).toBeNull();
    expect((await t.api('DELETE', '/api/v1/organisation/deletion', { token })).body.error.code).toBe('no-deletion-scheduled');
    // a manager may not
    expect(
      (await t.api('POST', '/api/v1/organisation/deletion', { token: await t.userWithRole('manager'), body: { confirm: 'x' } })).status,
    ).toBe(403);

    await t.api('POST', '/api/v1/organisation/deletion', { token, body: { confirm: 'Leaving Bars' } });
    const photo = blobKey(orgId, 'snapshot', ['dev-1'], 'jpg');
    await t.cloud.blobs.put(photo, Buffer.from('jpeg bytes'), 'image/jpeg');
    const kept = blobKey(t.demo.orgId, 'snapshot', ['dev-1'], 'jpg');
    await t.cloud.blobs.put(kept, Buffer.from('jpeg bytes'), 'image/jpeg');
    const jobs = new OrgService({
      db: t.cloud.db,
      logger: t.cloud.logger,
      operators: [],
      deletionGraceDays: 30,
      deleteFiles: (id: string) => deleteOrgBlobs(t.cloud.blobs, id),
    } as never);
    expect(await jobs.deleteDue()).toBe(0);
    // the grace period passes
    await t.cloud.db.query(`UPDATE organisations SET deletion_due_at = now() - interval '1 minute' WHERE id = $1`, [orgId]);
    expect(await jobs.deleteDue()).toBe(1);
    expect(await t.cloud.blobs.get(photo)).toBeUndefined();
    const still = await t.cloud.blobs.get(kept);
    expect(still).toBeDefined();
    still?.body.destroy();
    const left = await rowsOf(t, orgId);
    expect(left).toEqual([]);
    expect((await t.cloud.db.query('SELECT 1 FROM users WHERE email = $1', ['dana@leaving.test'])).rows).toEqual([]);
    expect((await t.api('GET', '/api/v1/venues', { token })).status).toBe(401);
    // the others keep theirs
    expect((await rowsOf(t, t.demo.orgId)).length).toBeGreaterThan(3);
    expect((await t.api('POST', '/api/v1/auth/login', { body: { email: OWNER.email, password: OWNER.password } })).status).toBe(200);
  });
});

/** Every table with an org_id that still holds a row of the organisation. */
async function rowsOf(t: TestCloud, orgId: string): Promise<string[]> {
  const { rows } = await t.cloud.db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.columns WHERE column_name = 'org_id' AND table_schema = current_schema()`,
  );
  const held: string[] = [];
  for (const { table_name } of rows) {
    const r = await t.cloud.db.query(`SELECT 1 FROM ${table_name} WHERE org_id = $1 LIMIT 1`, [orgId]);
    if (r.rows.length) held.push(table_name);
  }
  return held;
}

describe("a suspended organisation's devices", () => {
  let t: TestCloud;
  let op: string;
  beforeAll(async () => {
    t = await build({ orgs: { operators: [OPERATOR] } });
    op = (await t.api('POST', '/api/v1/signup', { body: signup(OPERATOR, 'SmartStock Ops') })).body.accessToken as string;
  });
  afterAll(() => t?.close());

  const register = async (id: string) =>
    expect((await t.api('POST', '/api/v1/devices', { token: t.ownerToken, body: { id, venueId: t.demo.venueId, name: id } })).status).toBe(
      201,
    );
  const suspend = async (reason: string | null) =>
    expect(
      (
        await t.api('POST', `/api/v1/operator/organisations/${t.demo.orgId}/${reason === null ? 'resume' : 'suspend'}`, {
          token: op,
          ...(reason === null ? {} : { body: { reason } }),
        })
      ).status,
    ).toBe(200);
  const rows = async (table: 'dead_letters' | 'observations', id: string) =>
    (await t.cloud.db.query(`SELECT 1 FROM ${table} WHERE device_id = $1`, [id])).rowCount;

  it(
    'are dropped by the embedded broker at the suspension, refused while it lasts, and let back in on resume',
    { timeout: 30_000 },
    async () => {
      await register('held-edge');
      const dev = await connectDevice(t.cloud.brokerUrl, 'held-edge');
      const closed = new Promise<void>((res) => dev.once('close', () => res()));
      await suspend('unpaid');
      await closed;
      await dev.endAsync(true);
      // CONNACK "not authorized": the broker refuses it before anything reaches ingest
      await expect(connectDevice(t.cloud.brokerUrl, 'held-edge')).rejects.toThrow(/not authorized/i);
      expect(await rows('dead_letters', 'held-edge')).toBe(0);
      // another organisation's device is not touched
      const other = await t.otherOrg();
      expect(
        (await t.api('POST', '/api/v1/devices', { token: other.token, body: { id: 'free-edge', venueId: other.demo.venueId, name: 'x' } }))
          .status,
      ).toBe(201);
      const free = await connectDevice(t.cloud.brokerUrl, 'free-edge');
      await free.endAsync(true);

      await suspend(null);
      const back = await connectDevice(t.cloud.brokerUrl, 'held-edge');
      try {
        await back.publishAsync(TOPICS.status('held-edge'), JSON.stringify(makeOnlineStatus({ deviceId: 'held-edge' })), { qos: 1 });
        await waitFor(
          async () =>
            (await t.cloud.db.query<{ online: boolean }>('SELECT online FROM devices WHERE id = $1', ['held-edge'])).rows[0]!.online,
        );
      } finally {
        await back.endAsync(true);
      }
    },
  );

  it(
    'a session the broker kept (the suspension made elsewhere) is cut at its next publish, and nothing is recorded',
    { timeout: 30_000 },
    async () => {
      await register('kept-edge');
      const dev = await connectDevice(t.cloud.brokerUrl, 'kept-edge');
      const closed = new Promise<void>((res) => dev.once('close', () => res()));
      try {
        // as another instance would: the row and the bus message, but this broker was not told to drop anyone
        await t.cloud.db.query("UPDATE organisations SET suspended_at = now(), suspended_reason = 'elsewhere' WHERE id = $1", [
          t.demo.orgId,
        ]);
        await t.cloud.db.query(`SELECT pg_notify('smartstock_org_status', $1)`, [t.demo.orgId]);
        await waitFor(async () => {
          dev.publish(TOPICS.obs('kept-edge'), JSON.stringify(makeBatch({ deviceId: 'kept-edge', observations: [makeObservation()] })), {
            qos: 1,
          });
          return Promise.race([closed.then(() => true), new Promise((r) => setTimeout(() => r(false), 200))]);
        });
        expect(await rows('observations', 'kept-edge')).toBe(0);
      } finally {
        await dev.endAsync(true);
        await suspend(null);
      }
    },
  );
});

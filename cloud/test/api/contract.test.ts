import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { liveMessage } from '@smartstock/api';
import { buildApp } from '../../src/app.js';
import { parseCloudConfig } from '../../src/config.js';
import contract from '../../src/plugins/contract.js';
import type { Db } from '../../src/db/types.js';
import type { ApiModules } from '../../src/app.js';
import { repos } from '../support/repos.js';
import { build, type TestCloud } from '../support/cloud.js';

const ORG = randomUUID();
const venue = {
  id: randomUUID(),
  orgId: ORG,
  name: 'The Anchor',
  timezone: 'Europe/London',
  country: 'GB',
  currency: 'GBP',
  currencyOverride: 'GBP',
};
/** What the venues service answers in each test: the routes' schemas decide what goes out. */
let venues: unknown[] = [];

/**
 * The whole HTTP app, every optional module mounted, on stub services: only the
 * routes and their schemas are under test here (the other API tests drive the
 * real services through the same schemas).
 */
async function appWithEveryRoute(): Promise<FastifyInstance> {
  const db = { kind: 'pglite', query: async () => ({ rows: [], rowCount: 0 }) } as unknown as Db;
  const stub = {} as never;
  return buildApp({
    db,
    logger: pino({ level: 'silent' }),
    config: parseCloudConfig({}),
    jwtSecret: 'a test secret long enough for HS256 signing',
    modules: () =>
      ({
        venues: { listVenues: async () => venues },
        // the caller is still a member with the role in their token (the auth plugin asks on every request)
        users: { roles: { roleOf: async () => 'owner' }, mustChangePassword: async () => false },
        alerts: { engine: stub, notifier: stub, smsReplies: { db, authToken: 'x', publicUrl: 'https://cloud.test/sms' } },
        vision: stub,
        corrections: stub,
        jobs: stub,
      }) as unknown as ApiModules,
  });
}

describe('the API contract (@smartstock/api)', () => {
  let app: FastifyInstance;
  let token: string;
  beforeAll(async () => {
    app = await appWithEveryRoute();
    await app.ready();
    token = app.jwt.sign({ sub: randomUUID(), org: ORG, role: 'owner' });
  });
  afterAll(() => app?.close());

  it('documents a response schema for the success of every /api operation', () => {
    const doc = app.swagger() as {
      paths: Record<string, Record<string, { responses?: Record<string, { content?: object }> }>>;
      components: { schemas: Record<string, { oneOf?: unknown[]; anyOf?: unknown[] }> };
    };
    const paths = doc.paths;
    const operations = Object.entries(paths)
      .filter(([path]) => path.startsWith('/api/'))
      .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })));
    expect(operations.length).toBeGreaterThan(40);
    const undocumented = operations
      .filter(
        ({ op }) => !Object.entries(op.responses ?? {}).some(([code, r]) => /^(101|2\d\d)$/.test(code) && (r.content || code === '204')),
      )
      .map((o) => o.route);
    expect(undocumented).toEqual([]);
    // the live socket is no operation: its messages are a component
    const live = doc.components.schemas.LiveMessage;
    expect((live?.oneOf ?? live?.anyOf)?.length).toBe(5);
  });

  it('refuses to register an /api route without a response schema', async () => {
    const bare = Fastify();
    await bare.register(contract);
    expect(() => bare.get('/api/v1/unchecked', () => ({ anything: true }))).toThrow(/GET \/api\/v1\/unchecked has no response schema/);
    await bare.close();
  });

  const listVenues = () => app.inject({ method: 'GET', url: '/api/v1/venues', headers: { authorization: `Bearer ${token}` } });

  it('answers what fits the schema', async () => {
    venues = [venue];
    const r = await listVenues();
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual([venue]);
  });

  it('answers 500 when a route would send a field its schema does not have', async () => {
    venues = [{ ...venue, passwordHash: 'never sent' }];
    const r = await listVenues();
    expect(r.statusCode).toBe(500);
    expect(r.json().error.code).toBe('internal');
    expect(r.body).not.toContain('never sent');
  });

  it('answers 500 when a route would leave out a field its schema requires', async () => {
    const { timezone: _timezone, ...missing } = venue;
    venues = [missing];
    const r = await listVenues();
    expect(r.statusCode).toBe(500);
    expect(r.json().error.code).toBe('internal');
  });
});

describe('live messages (@smartstock/api liveMessage)', () => {
  let t: TestCloud;
  beforeAll(async () => {
    t = await build();
  });
  afterAll(() => t?.close());

  it('every event the services write parses as a live message', async () => {
    const items = await t.api('GET', '/api/v1/inventory/items?limit=1', { token: t.ownerToken });
    const adjusted = await t.api('POST', `/api/v1/inventory/items/${items.body.items[0].id}/adjust`, {
      token: t.ownerToken,
      body: { locationId: t.demo.locations.mainBar, type: 'COUNT', quantity: 3 },
    });
    expect(adjusted.status).toBe(201);
    const events = await repos(t.cloud.db).live.after(0);
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(liveMessage.safeParse({ type: e.type, cursor: e.id, data: JSON.parse(e.json) }).error).toBeUndefined();
  });
});

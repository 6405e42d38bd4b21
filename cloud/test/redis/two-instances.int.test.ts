/**
 * Two cloud instances on one PostgreSQL database and one Redis (REDIS_URL):
 * a change committed on A reaches a live client on B through Redis pub/sub, and
 * failed logins count against one shared limit. A second pair runs on a
 * redis-server of its own, which is killed mid-run: the cloud keeps serving,
 * limits fall back to per instance, and the live client on B gets what it
 * missed once Redis is back.
 */
import pg from 'pg';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCloud } from '../../src/server.js';
import { TEST_DATABASE_URL } from '../support/db.js';
import { waitFor } from '../support/device.js';
import { OWNER, TEST_REDIS_URL, api, newRun, openLive, privateDbName, privateRedis, startInstance } from './support.js';

const withDb = (name: string) => {
  const u = new URL(TEST_DATABASE_URL);
  u.pathname = `/${name}`;
  return u.toString();
};

function deployment(redisUrl: () => string) {
  const run = newRun();
  const dbName = privateDbName(run);
  const ctx = {
    run,
    a: undefined as unknown as RunningCloud,
    b: undefined as unknown as RunningCloud,
    token: '',
    venueId: '',
    item: '',
    loc: '',
  };
  let admin: pg.Pool;
  beforeAll(async () => {
    admin = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
    await admin.query(`CREATE DATABASE ${dbName}`);
    const o = { run, dbUrl: withDb(dbName), redisUrl: redisUrl() };
    ctx.a = await startInstance('a', o); // first start: migrations and the owner
    ctx.b = await startInstance('b', o);
    const demo = await ctx.a.seedDemo();
    ctx.venueId = demo.venueId;
    ctx.item = demo.items['JAMESON-750']!;
    ctx.loc = demo.locations.mainBar;
    ctx.token = (await api(ctx.a, 'POST', '/api/v1/auth/login', { body: OWNER })).body.accessToken;
  }, 120_000);
  afterAll(async () => {
    await ctx.a?.stop();
    await ctx.b?.stop();
    await admin?.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin?.end();
  });
  const adjust = (on: RunningCloud, quantity: number) =>
    api(on, 'POST', `/api/v1/inventory/items/${ctx.item}/adjust`, {
      token: ctx.token,
      body: { locationId: ctx.loc, type: 'COUNT', quantity },
    });
  const failLogin = (on: RunningCloud) =>
    api(on, 'POST', '/api/v1/auth/login', { body: { email: OWNER.email, password: 'wrong password' } });
  return { ctx, adjust, failLogin };
}

describe('two instances sharing Redis', () => {
  const { ctx, adjust, failLogin } = deployment(() => TEST_REDIS_URL);
  let spy: Redis;
  beforeAll(() => void (spy = new Redis(TEST_REDIS_URL)));
  afterAll(() => spy?.disconnect());

  it('carries live events over Redis pub/sub: committed on A, pushed to a client on B', async () => {
    expect(ctx.a.db.bus).toBe('redis');
    const seen: string[] = [];
    const sub = spy.duplicate();
    await sub.subscribe(`sstest-${ctx.run}:smartstock_live`);
    sub.on('message', (_c, m) => seen.push(m));
    const client = await openLive(ctx.b, ctx.token, ctx.venueId);
    expect((await adjust(ctx.a, 7)).status).toBe(201);
    const pushed = await waitFor(() => client.got.find((m) => m.type === 'stock' && m.data.itemId === ctx.item));
    expect(pushed.data).toMatchObject({ level: 7, source: 'manual' });
    expect(seen).toContain(String(pushed.cursor)); // it travelled through Redis, under this run's prefix
    client.close();
    sub.disconnect();
  });

  it('shares the login rate limit: 4 attempts across A and B, the 5th is 429 on either', async () => {
    // the owner's sign-in on A in the set-up was the first of the 4 this address may make
    const codes = [];
    for (const on of [ctx.b, ctx.a, ctx.b]) codes.push((await failLogin(on)).status);
    expect(codes).toEqual([401, 401, 401]);
    const limited = await failLogin(ctx.b);
    expect(limited.status).toBe(429);
    expect(limited.body.error.message).toMatch(/too many requests/);
    expect((await failLogin(ctx.a)).status).toBe(429);
    const keys = await spy.keys(`sstest-${ctx.run}:rl:*`);
    expect(keys.length).toBeGreaterThan(0);
  });
});

describe('Redis going away mid-run', () => {
  let redis: Awaited<ReturnType<typeof privateRedis>>;
  beforeAll(async () => {
    redis = await privateRedis();
    await redis.start();
  });
  // registered before the deployment's, so it runs after it (hooks unwind in reverse): the instances stop while Redis is up
  afterAll(() => redis?.stop());
  const { ctx, adjust, failLogin } = deployment(() => redis.url);

  it('keeps serving without Redis, counts limits per instance, and catches live clients up when it is back', async () => {
    const client = await openLive(ctx.b, ctx.token, ctx.venueId);
    expect((await adjust(ctx.a, 3)).status).toBe(201);
    await waitFor(() => client.got.some((m) => m.type === 'stock' && m.data.level === 3));

    await redis.stop();
    await new Promise((r) => setTimeout(r, 300));
    expect((await api(ctx.a, 'GET', '/healthz')).status).toBe(200);
    expect((await api(ctx.b, 'GET', '/api/v1/auth/me', { token: ctx.token })).status).toBe(200);
    // committed while Redis is away: not pushed now, but not lost
    expect((await adjust(ctx.a, 9)).status).toBe(201);
    // each instance counts on its own: 4 failures on A alone are needed before A says 429
    // (the set-up's sign-in was counted in Redis, which this instance can no longer see)
    for (let i = 0; i < 4; i++) expect((await failLogin(ctx.a)).status).toBe(401);
    expect((await failLogin(ctx.a)).status).toBe(429);
    expect((await failLogin(ctx.b)).status).toBe(401);

    await redis.start();
    const caught = await waitFor(() => client.got.find((m) => m.type === 'stock' && m.data.level === 9), 100);
    expect(caught.data.itemId).toBe(ctx.item);
    // and the bus works again for new changes, each pushed once
    expect((await adjust(ctx.a, 12)).status).toBe(201);
    await waitFor(() => client.got.some((m) => m.type === 'stock' && m.data.level === 12));
    const cursors = client.got.map((m) => m.cursor);
    expect(new Set(cursors).size).toBe(cursors.length);
    client.close();
  });
});

import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, OWNER, type TestCloud } from '../support/cloud.js';

describe('auth over real HTTP', () => {
  let t: TestCloud;
  beforeAll(async () => {
    t = await build({
      auth: { argon2: { memoryCost: 8, timeCost: 1 }, accessTokenTtlSeconds: 30, loginRateLimit: { max: 1000, windowSeconds: 60 } },
    });
  });
  afterAll(() => t?.close());

  it('signs in with the seeded owner and returns the contract shape', async () => {
    const r = await t.api('POST', '/api/v1/auth/login', { body: OWNER });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      user: { id: expect.any(String), email: OWNER.email, name: 'Owner', role: 'owner', orgId: t.demo.orgId },
    });
  });

  it('refuses a wrong password and an unknown e-mail alike', async () => {
    const a = await t.api('POST', '/api/v1/auth/login', { body: { ...OWNER, password: 'wrong password!' } });
    const b = await t.api('POST', '/api/v1/auth/login', { body: { email: 'nobody@x.test', password: 'whatever' } });
    expect([a.status, b.status]).toEqual([401, 401]);
    expect(a.body.error.message).toBe(b.body.error.message);
  });

  it('rejects missing, garbage, tampered, wrongly signed and expired access tokens', async () => {
    const good = t.ownerToken;
    const [h, p] = good.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, role: 'owner', org: '00000000-0000-4000-8000-000000000000' })).toString('base64url')}.${good.split('.')[2]}`;
    const sign = (body: object, secret: string) => {
      const head = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
      const b = Buffer.from(JSON.stringify(body)).toString('base64url');
      return `${head}.${b}.${createHmac('sha256', secret).update(`${head}.${b}`).digest('base64url')}`;
    };
    const foreign = sign({ ...payload, exp: Math.floor(Date.now() / 1000) + 60 }, 'x'.repeat(48));
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
    for (const token of [undefined, 'garbage', tampered, foreign, none]) {
      const r = await t.api('GET', '/api/v1/inventory/items', { token });
      expect(r.status, String(token)).toBe(401);
      expect(r.body.error.code).toBe('unauthorized');
    }
    // signed with the server's own secret: accepted while fresh, refused once expired
    const secret = readFileSync(join(dirname(t.cloud.pkiDir!), 'jwt-secret'), 'utf8').trim();
    const now = Math.floor(Date.now() / 1000);
    const fresh = sign({ ...payload, iat: now, exp: now + 60 }, secret);
    expect((await t.api('GET', '/api/v1/inventory/items', { token: fresh })).status).toBe(200);
    const expired = await t.api('GET', '/api/v1/inventory/items', { token: sign({ ...payload, iat: now - 120, exp: now - 60 }, secret) });
    expect(expired.status).toBe(401);
    expect(expired.body.error.message).toMatch(/expired/);
  });

  it('rotates refresh tokens and revokes the family when a rotated one is replayed', async () => {
    const s = await t.api('POST', '/api/v1/auth/login', { body: OWNER });
    const r1 = await t.api('POST', '/api/v1/auth/refresh', { body: { refreshToken: s.body.refreshToken } });
    expect(r1.status).toBe(200);
    expect(r1.body.refreshToken).not.toBe(s.body.refreshToken);
    // replay of the first (already rotated) token: refused, and the family dies
    const replay = await t.api('POST', '/api/v1/auth/refresh', { body: { refreshToken: s.body.refreshToken } });
    expect(replay.status).toBe(401);
    const r2 = await t.api('POST', '/api/v1/auth/refresh', { body: { refreshToken: r1.body.refreshToken } });
    expect(r2.status).toBe(401);
  });

  it('logout revokes the refresh token', async () => {
    const s = await t.api('POST', '/api/v1/auth/login', { body: OWNER });
    expect(
      (await t.api('POST', '/api/v1/auth/logout', { token: s.body.accessToken, body: { refreshToken: s.body.refreshToken } })).status,
    ).toBe(204);
    expect((await t.api('POST', '/api/v1/auth/refresh', { body: { refreshToken: s.body.refreshToken } })).status).toBe(401);
  });

  it('denies by role: a bartender counts but cannot edit items or manage devices; a technician manages devices but cannot count', async () => {
    const bartender = await t.userWithRole('bartender');
    const technician = await t.userWithRole('technician');
    const item = t.demo.items['TITOS-750']!;
    const loc = t.demo.locations.mainBar;
    expect((await t.api('PATCH', `/api/v1/inventory/items/${item}`, { token: bartender, body: { name: 'x' } })).status).toBe(403);
    expect(
      (await t.api('POST', '/api/v1/devices', { token: bartender, body: { id: 'bt-dev', venueId: t.demo.venueId, name: 'x' } })).status,
    ).toBe(403);
    const adj = await t.api('POST', `/api/v1/inventory/items/${item}/adjust`, {
      token: bartender,
      body: { locationId: loc, type: 'COUNT', quantity: 4, reason: 'shift count' },
    });
    expect(adj.status).toBe(201);
    expect(
      (
        await t.api('POST', `/api/v1/inventory/items/${item}/adjust`, {
          token: technician,
          body: { locationId: loc, type: 'COUNT', quantity: 4 },
        })
      ).status,
    ).toBe(403);
    expect(
      (await t.api('POST', '/api/v1/devices', { token: technician, body: { id: 'tech-dev', venueId: t.demo.venueId, name: 'Back bar' } }))
        .status,
    ).toBe(201);
    const denied = await t.api('POST', '/api/v1/users', {
      token: technician,
      body: { email: 'a@b.test', name: 'A', password: 'long enough password', role: 'owner' },
    });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatchObject({ code: 'forbidden', requestId: expect.any(String) });
  });

  it('rate-limits sign-in with 429', async () => {
    const limited = await build({ auth: { argon2: { memoryCost: 8, timeCost: 1 }, loginRateLimit: { max: 3, windowSeconds: 60 } } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++)
        codes.push((await limited.api('POST', '/api/v1/auth/login', { body: { email: 'x@y.test', password: 'nope' } })).status);
      expect(codes.slice(-1)[0]).toBe(429);
    } finally {
      await limited.close();
    }
    // a second cloud starts inside the test: on a loaded machine that alone can pass the default 30 s
  }, 120_000);
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildApp, type ApiModules } from '../../src/app.js';
import { parseCloudConfig } from '../../src/config.js';
import type { Db } from '../../src/db/types.js';

const SECRET = 'a test secret long enough for HS256 signing';

/**
 * A verified access token is remembered (auth.ts), never past its exp, and never for another
 * token: each refusal keeps its words.
 */
describe('the bearer token of a request', () => {
  let app: FastifyInstance;
  const ORG = randomUUID();
  beforeAll(async () => {
    const db = { kind: 'pglite', query: async () => ({ rows: [], rowCount: 0 }) } as unknown as Db;
    app = await buildApp({
      db,
      logger: pino({ level: 'silent' }),
      config: parseCloudConfig({}),
      jwtSecret: SECRET,
      modules: () =>
        ({
          venues: { listVenues: async () => [] },
          users: { roles: { roleOf: async () => 'owner' }, mustChangePassword: async () => false },
        }) as unknown as ApiModules,
    });
    await app.ready();
  });
  afterAll(() => app?.close());
  const venues = async (authorization?: string) => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/venues', headers: authorization ? { authorization } : {} });
    return { status: res.statusCode, message: res.statusCode === 200 ? '' : (res.json() as { error: { message: string } }).error.message };
  };

  it('a token accepted once is refused once it expires', async () => {
    // exp is whole seconds after a floored iat: a 1 s token signed late in a second can expire before its
    // first use, so give it 3 s and wait until its own exp has passed
    const token = app.jwt.sign({ sub: randomUUID(), org: ORG, role: 'owner' }, { expiresIn: 3 });
    expect(await venues(`Bearer ${token}`)).toEqual({ status: 200, message: '' });
    expect(await venues(`Bearer ${token}`)).toEqual({ status: 200, message: '' });
    const { exp } = app.jwt.decode<{ exp: number }>(token)!;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, exp * 1000 - Date.now()) + 100));
    expect(await venues(`Bearer ${token}`)).toEqual({ status: 401, message: 'access token expired' });
  });

  it('no token, another scheme, a forged signature and a malformed token each say so', async () => {
    const token = app.jwt.sign({ sub: randomUUID(), org: ORG, role: 'owner' });
    expect(await venues(`Bearer ${token}`)).toEqual({ status: 200, message: '' });
    expect(await venues()).toEqual({ status: 401, message: 'sign in required' });
    expect(await venues(`Basic ${Buffer.from('a:b').toString('base64')}`)).toEqual({ status: 401, message: 'sign in required' });
    const [head, body] = token.split('.');
    expect(await venues(`Bearer ${head}.${body}.${'A'.repeat(43)}`)).toEqual({ status: 401, message: 'access token is not valid' });
    expect(await venues('Bearer not-a-token')).toEqual({ status: 401, message: 'access token is not valid' });
    expect(await venues('Bearer')).toEqual({ status: 401, message: 'sign in required' });
  });
});

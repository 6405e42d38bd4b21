import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { REDACT_PATHS } from '@smartstock/runtime';
import { buildApp, type ApiModules } from '../../src/app.js';
import { parseCloudConfig } from '../../src/config.js';
import type { Db } from '../../src/db/types.js';

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

/** The HTTP app on stub services, logging as the cloud does (createLogger's redaction) into `lines` at `level`. */
async function appLoggingAt(level: 'info' | 'debug', lines: Record<string, unknown>[]): Promise<FastifyInstance> {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const db = { kind: 'pglite', query: async () => ({ rows: [], rowCount: 0 }) } as unknown as Db;
  const app = await buildApp({
    db,
    logger: pino({ name: 'cloud', level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink),
    config: parseCloudConfig({}),
    jwtSecret: 'a test secret long enough for HS256 signing',
    modules: () =>
      ({
        venues: {
          listVenues: async (orgId: string) => {
            if (orgId === 'boom') throw new Error('the venues table is on fire');
            return [venue];
          },
        },
        users: { roles: { roleOf: async () => 'owner' }, mustChangePassword: async () => false },
      }) as unknown as ApiModules,
  });
  await app.ready();
  return app;
}

/**
 * One log line a request, at a level by its outcome: a success at debug only, a refusal at info
 * with the code and message the client got, a failure at error with its stack; never a token.
 */
describe('request logging', () => {
  const lines: Record<string, unknown>[] = [];
  let app: FastifyInstance;
  let token: string;
  beforeAll(async () => {
    app = await appLoggingAt('info', lines);
    token = app.jwt.sign({ sub: randomUUID(), org: ORG, role: 'owner' });
  });
  afterAll(() => app?.close());
  const requestLines = () => lines.filter((l) => l.status);

  it('a success logs nothing at info', async () => {
    lines.length = 0;
    const res = await app.inject({ method: 'GET', url: '/api/v1/venues', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    // Fastify's own 'incoming request' and 'request completed' included
    expect(lines).toEqual([]);
  });

  it("a refusal logs one line at info with its reason and route, never the query's token", async () => {
    lines.length = 0;
    const res = await app.inject({ method: 'GET', url: '/api/v1/venues?token=secret-in-the-url' });
    expect(res.statusCode).toBe(401);
    expect(requestLines()).toEqual([
      expect.objectContaining({
        level: 30,
        msg: 'request refused',
        status: 401,
        code: 'unauthorized',
        message: 'sign in required',
        method: 'GET',
        route: '/api/v1/venues',
      }),
    ]);
    expect(JSON.stringify(lines)).not.toContain('secret-in-the-url');
  });

  it('a failure logs one line at error with the stack, and the client sees no text of it', async () => {
    lines.length = 0;
    const boom = app.jwt.sign({ sub: randomUUID(), org: 'boom', role: 'owner' });
    const res = await app.inject({ method: 'GET', url: '/api/v1/venues', headers: { authorization: `Bearer ${boom}` } });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('on fire');
    const [line, ...more] = requestLines();
    expect(more).toEqual([]);
    expect(line).toMatchObject({ level: 50, msg: 'request failed', status: 500, code: 'internal' });
    expect((line!.err as { stack: string }).stack).toContain('the venues table is on fire');
    expect(JSON.stringify(lines)).not.toContain(boom);
  });

  it('at debug a success is one line too, without its headers', async () => {
    const verbose: Record<string, unknown>[] = [];
    const debugApp = await appLoggingAt('debug', verbose);
    try {
      const res = await debugApp.inject({ method: 'GET', url: '/api/v1/venues', headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(200);
      const answered = verbose.filter((l) => l.status);
      expect(answered).toEqual([
        expect.objectContaining({ level: 20, msg: 'request answered', method: 'GET', route: '/api/v1/venues', status: 200 }),
      ]);
      expect(JSON.stringify(verbose)).not.toContain(token);
    } finally {
      await debugApp.close();
    }
  });
});

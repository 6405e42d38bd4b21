import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestCloud } from '../support/cloud.js';
import { nulField } from '../../src/plugins/nul.js';

/** Issue 24: bad input is a 400 naming the field, never a 500 or a 404. */
describe('bad input', () => {
  let t: TestCloud;
  beforeAll(async () => {
    t = await build();
  });
  afterAll(() => t?.close());

  describe('a NUL character in a text field (finding 5)', () => {
    const cases = () => [
      { method: 'POST', path: '/api/v1/venues', body: { name: 'The\u0000Anchor' }, field: 'body.name' },
      {
        method: 'POST',
        path: '/api/v1/inventory/items',
        body: { sku: 'NUL-1', name: 'Gin', supplier: 'Acme\u0000' },
        field: 'body.supplier',
      },
      {
        method: 'PATCH',
        path: `/api/v1/inventory/locations/${t.demo.locations.mainBar}`,
        body: { name: 'Main\u0000Bar' },
        field: 'body.name',
      },
      { method: 'GET', path: '/api/v1/inventory/items?q=gin%00', field: 'query.q' },
    ];
    it('answers 400 naming the field, and stores nothing', async () => {
      for (const c of cases()) {
        const r = await t.api(c.method, c.path, { token: t.ownerToken, body: c.body });
        expect(r.status, `${c.method} ${c.path}`).toBe(400);
        expect(r.body.error.field).toBe(c.field);
        expect(r.body.error.message).toMatch(/NUL/);
      }
      expect((await t.cloud.db.query("SELECT 1 FROM items WHERE sku = 'NUL-1'")).rowCount).toBe(0);
    });
    it('finds one in a key or deep in a nested body without overflowing the stack', () => {
      let deep: unknown = ['x\u0000'];
      for (let i = 0; i < 100_000; i++) deep = [deep];
      expect(nulField({ body: deep })).toMatch(/^body(\.0)+$/);
      expect(nulField({ body: { cameras: [{ ['i\u0000d']: 1 }] } })).toBe('body.cameras.0.i\\u0000d');
      expect(nulField({ body: { name: 'fine' }, query: {} })).toBeUndefined();
    });
  });

  describe('a venue time zone (finding 6)', () => {
    it('takes IANA names only, a 400 naming the field otherwise', async () => {
      const venue = `/api/v1/venues/${t.demo.venueId}`;
      for (const timezone of ['Mars/Olympus', '+01:00', 'GMT+1 ', 'Europe/Londonderry/x'])
        for (const [method, path] of [
          ['POST', '/api/v1/venues'],
          ['PATCH', venue],
        ] as const) {
          const r = await t.api(method, path, { token: t.ownerToken, body: { name: 'Pier Bar', timezone } });
          expect(r.status, `${method} ${timezone}`).toBe(400);
          expect(r.body.error.field).toBe('body.timezone');
        }
      for (const timezone of ['America/New_York', 'UTC', 'Asia/Kolkata']) {
        const r = await t.api('PATCH', venue, { token: t.ownerToken, body: { timezone } });
        expect(r.status, timezone).toBe(200);
        expect(r.body.timezone).toBe(timezone);
      }
    });
  });

  describe('an over-long path parameter (finding 9)', () => {
    it('is a 400 naming the field, not "no route"', async () => {
      for (const path of [
        `/api/v1/devices/${'d'.repeat(129)}`,
        `/api/v1/inventory/items/${'1'.repeat(5000)}/history`,
        `/api/v1/inventory/items/${'1'.repeat(300)}`,
        `/api/v1/venues/${t.demo.venueId}${'0'.repeat(200)}/locations`,
      ]) {
        const r = await t.api('GET', path, { token: t.ownerToken });
        expect(r.status, path.slice(0, 40)).toBe(400);
        expect(r.body.error.field).toBe('params.id');
      }
    });
  });

  describe('an access token without exp (finding 12)', () => {
    it('is refused though the real secret signed it', async () => {
      const secret = readFileSync(join(dirname(t.cloud.pkiDir!), 'jwt-secret'), 'utf8').trim();
      const [, payload] = t.ownerToken.split('.');
      const { exp: _exp, ...claims } = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
      const sign = (c: object) => {
        const body = `${Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(c)).toString('base64url')}`;
        return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
      };
      // the same claims with exp, signed the same way, pass: the forging is right, only exp is missing
      expect((await t.api('GET', '/api/v1/venues', { token: sign({ ...claims, exp: Math.floor(Date.now() / 1000) + 60 }) })).status).toBe(
        200,
      );
      const r = await t.api('GET', '/api/v1/venues', { token: sign(claims) });
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('unauthorized');
    });
  });
});

/**
 * Two cloud instances on one PostgreSQL database (the NOTIFY bus, no Redis): a page of the item
 * list kept by B is forgotten when A changes the catalogue, through the bus. B is given far less
 * than the pages' 5 s age limit to show the change, so without the bus message it fails.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCloud, type RunningCloud } from '../../src/server.js';
import { CHEAP_ARGON2, OWNER } from '../support/cloud.js';
import { TEST_DATABASE_URL } from '../support/db.js';
import { seedPki } from '../support/pki.js';

const dbName = `ss_item_pages_${process.pid}`;
const dbUrl = Object.assign(new URL(TEST_DATABASE_URL), { pathname: `/${dbName}` }).toString();
const start = () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cloud-pages-'));
  seedPki(dataDir);
  return startCloud({
    http: { host: '127.0.0.1', port: 0 },
    database: { url: dbUrl },
    dataDir,
    logLevel: 'silent',
    auth: { argon2: CHEAP_ARGON2, jwtSecret: `item-pages-shared-secret-${process.pid}-0123456789` },
    owner: { ...OWNER, organisation: 'Pages Bars' },
    broker: { embedded: { host: '127.0.0.1', port: 0 } },
    rateLimit: { max: 100_000, windowSeconds: 60 },
  });
};

describe('item list pages across two instances', () => {
  let admin: pg.Pool;
  let a: RunningCloud;
  let b: RunningCloud;
  let token = '';
  const call = async (on: RunningCloud, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${on.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as { items: { id: string; name: string }[] } };
  };
  beforeAll(async () => {
    admin = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
    await admin.query(`CREATE DATABASE ${dbName}`);
    a = await start();
    b = await start();
    await a.seedDemo();
    const login = await fetch(`${a.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(OWNER),
    });
    token = ((await login.json()) as { accessToken: string }).accessToken;
  }, 120_000);
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await admin?.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin?.end();
  });

  it("B's kept page shows A's rename within a second", async () => {
    const first = (await call(b, 'GET', '/api/v1/inventory/items?limit=3')).body.items[0]!;
    await call(b, 'GET', '/api/v1/inventory/items?limit=3'); // kept now
    const name = `${first.name} (renamed on A)`;
    expect((await call(a, 'PATCH', `/api/v1/inventory/items/${first.id}`, { name })).status).toBe(200);
    const deadline = Date.now() + 1000;
    let seen = '';
    while (Date.now() < deadline && seen !== name) {
      seen = (await call(b, 'GET', '/api/v1/inventory/items?limit=3')).body.items.find((i) => i.id === first.id)?.name ?? '';
      if (seen !== name) await new Promise((r) => setTimeout(r, 20));
    }
    expect(seen).toBe(name);
  });
});

/**
 * Two cloud instances on one PostgreSQL database (the NOTIFY bus, no Redis): a stock page kept by
 * B is forgotten when A records a movement at its location, through the bus. B is given far less
 * than the pages' 5 s age limit to show it, so without the bus message it fails.
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

const dbName = `ss_stock_pages_two_${process.pid}`;
const dbUrl = Object.assign(new URL(TEST_DATABASE_URL), { pathname: `/${dbName}` }).toString();
const start = () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cloud-stock-pages-'));
  seedPki(dataDir);
  return startCloud({
    http: { host: '127.0.0.1', port: 0 },
    database: { url: dbUrl },
    dataDir,
    logLevel: 'silent',
    auth: { argon2: CHEAP_ARGON2, jwtSecret: `stock-pages-shared-secret-${process.pid}-0123456789` },
    owner: { ...OWNER, organisation: 'Stock Pages Bars' },
    broker: { embedded: { host: '127.0.0.1', port: 0 } },
    rateLimit: { max: 100_000, windowSeconds: 60 },
  });
};

describe('stock pages across two instances', () => {
  let admin: pg.Pool;
  let a: RunningCloud;
  let b: RunningCloud;
  let token = '';
  let demo: Awaited<ReturnType<RunningCloud['seedDemo']>>;
  const call = async (on: RunningCloud, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${on.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as { levels: { itemId: string; level: number }[] } };
  };
  beforeAll(async () => {
    admin = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
    await admin.query(`CREATE DATABASE ${dbName}`);
    a = await start();
    b = await start();
    demo = await a.seedDemo();
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

  it("B's kept stock page shows A's delivery within a second", async () => {
    const path = `/api/v1/inventory/locations/${demo.locations.storage}/stock?limit=50`;
    const itemId = Object.values(demo.items)[0]!;
    const levelOn = async (on: RunningCloud) => (await call(on, 'GET', path)).body.levels.find((l) => l.itemId === itemId)?.level ?? 0;
    const before = await levelOn(b);
    await levelOn(b); // kept now
    expect((await call(a, 'POST', `/api/v1/inventory/items/${itemId}/adjust`, { type: 'RECEIVE', quantity: 6 })).status).toBe(201);
    const deadline = Date.now() + 1000;
    let seen = before;
    while (Date.now() < deadline && seen !== before + 6) {
      seen = await levelOn(b);
      if (seen !== before + 6) await new Promise((r) => setTimeout(r, 20));
    }
    expect(seen).toBe(before + 6);
  });
});

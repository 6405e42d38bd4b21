/**
 * The production ingest path: two cloud instances, as separate processes, share one MQTT 5
 * subscription on the machine's Mosquitto and write to one PostgreSQL database. 100,000
 * observations are published; one instance is SIGKILLed mid-stream and restarted by its
 * supervisor with the same client id (its session holds what it had not acknowledged).
 * Every observation must be stored exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS, encodeBatch, uuidv7 } from '@smartstock/protocol';
import { makeObservation } from '@smartstock/protocol/testing';
import { openDb, migrate, type Db } from '../../src/db/index.js';
import { seedDemo, seedOwner } from '../../src/seed/seed.service.js';
import { passwordHasher } from '../../src/users/passwords.js';
import { repos } from '../support/repos.js';
import { CHEAP_ARGON2 } from '../support/cloud.js';
import { TEST_DATABASE_URL } from '../support/db.js';
import { waitFor } from '../support/device.js';

const MQTT_URL = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const TOTAL = 100_000;
const run = randomBytes(4).toString('hex');
const DEV = `share-${run}`;
const dbName = `ss_share_${run}`;
const dbUrl = (() => {
  const u = new URL(TEST_DATABASE_URL);
  u.pathname = `/${dbName}`;
  return u.toString();
})();

interface Instance {
  name: string;
  child: ChildProcess;
  stored: number;
  duplicates: number;
}

async function startInstance(name: string): Promise<Instance> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cloud/src/main.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DATABASE_URL: dbUrl,
      MQTT_URL,
      MQTT_CLIENT_ID: `cloud-${name}-${run}`, // stable per instance: a restart resumes its session
      MQTT_SHARED_GROUP: `ingest-${run}`,
      HOST: '127.0.0.1',
      PORT: String(20_000 + Math.floor(Math.random() * 20_000)),
      DATA_DIR: mkdtempSync(join(tmpdir(), `cloud-${name}-`)),
      SMARTSTOCK_JWT_SECRET: `shared-secret-of-the-test-${run}-0123456789`,
      LOG_LEVEL: 'debug',
    },
  });
  const inst: Instance = { name, child, stored: 0, duplicates: 0 };
  let buf = '';
  let err = '';
  child.stderr!.on('data', (d) => (err = (err + d).slice(-4000)));
  const subscribed = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.includes('"ingest subscribed"')) resolve();
        if (line.includes('"batch stored"')) {
          const m = JSON.parse(line) as { stored: number; duplicates: number };
          inst.stored += m.stored;
          inst.duplicates += m.duplicates;
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`cloud ${name} exited ${code} before subscribing: ${err}`)));
  });
  await subscribed;
  return inst;
}

const stop = async (i: Instance | undefined, signal: NodeJS.Signals = 'SIGTERM') => {
  if (!i || i.child.exitCode !== null || i.child.signalCode !== null) return;
  const gone = new Promise((r) => i.child.once('exit', r));
  i.child.kill(signal);
  await gone;
};

describe('two cloud instances sharing the ingest subscription on Mosquitto', () => {
  let admin: pg.Pool;
  let db: Db;
  let a: Instance | undefined;
  let b: Instance | undefined;
  let a2: Instance | undefined;
  let device: MqttClient;

  beforeAll(async () => {
    admin = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
    await admin.query(`CREATE DATABASE ${dbName}`);
    db = await openDb({ url: dbUrl });
    await migrate(db);
    const owner = await seedOwner(db, passwordHasher(CHEAP_ARGON2), {
      organisation: 'Share Test Bars',
      email: `owner-${run}@share.test`,
      password: 'a long owner password',
    });
    const demo = await seedDemo(db, owner!.orgId);
    await repos(db).devices.create(owner!.orgId, { id: DEV, venueId: demo.venueId, name: 'Back bar' });
    [a, b] = await Promise.all([startInstance('a'), startInstance('b')]);
    device = await connectAsync(MQTT_URL, { clientId: DEV, protocolVersion: 4, clean: true });
  }, 180_000);

  afterAll(async () => {
    await device?.endAsync();
    await Promise.all([stop(a), stop(b), stop(a2)]);
    await db?.close();
    await admin?.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin?.end();
  });

  it('100,000 observations, one instance SIGKILLed and restarted mid-stream: each stored exactly once', async () => {
    const sent: string[] = [];
    const start = Date.parse('2026-11-25T18:00:00Z');
    let seq = 0;
    for (let i = 0; i < TOTAL; i += 500) {
      const obs = Array.from({ length: Math.min(500, TOTAL - i) }, (_, k) => {
        const o = makeObservation({ id: uuidv7(), slotId: `slot-${(i + k) % 36}`, at: new Date(start + i + k).toISOString() });
        sent.push(o.id);
        return o;
      });
      const batches = encodeBatch(DEV, obs, { firstSeq: seq });
      seq += batches.length;
      await Promise.all(batches.map((b) => device.publishAsync(TOPICS.obs(DEV), b.payload, { qos: 1 })));
      if (i === 30_000) {
        // mid-batch on the broker's side: some messages delivered to `a` and not yet acknowledged
        await stop(a, 'SIGKILL');
        a2 = await startInstance('a');
      }
    }
    expect(new Set(sent).size).toBe(TOTAL);

    const count = async () =>
      Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM observations WHERE device_id = $1`, [DEV])).rows[0]!.n);
    await waitFor(async () => (await count()) >= TOTAL, 250);
    await new Promise((r) => setTimeout(r, 1000)); // anything doubled would arrive now
    expect(await count()).toBe(TOTAL);
    const ids = (await db.query<{ id: string }>(`SELECT id FROM observations WHERE device_id = $1`, [DEV])).rows.map((r) => r.id);
    expect(new Set(ids)).toEqual(new Set(sent));

    // the subscription was really shared: both instances stored a part, and redeliveries were few
    const instances = [a!, b!, a2!];
    const stored = instances.reduce((s, i) => s + i.stored, 0);
    const duplicates = instances.reduce((s, i) => s + i.duplicates, 0);
    process.stdout.write(
      `shared ingest: ${instances.map((i) => `${i.name}${i === a2 ? ' (restarted)' : ''} stored ${i.stored}`).join(', ')}; ${duplicates} redelivered duplicates absorbed\n`,
    );
    expect(b!.stored).toBeGreaterThan(0);
    expect(a!.stored + a2!.stored).toBeGreaterThan(0);
    expect(stored).toBeLessThanOrEqual(TOTAL); // the killed instance may have committed rows it never logged
    expect(duplicates).toBeLessThan(TOTAL / 10);
  }, 600_000);
});

/**
 * A shelf-photo job outlives the instance that took it. Instance A (its own process) takes a
 * photo job on PostgreSQL and is SIGKILLed in the middle of it; instance B, on the same
 * database, answers the job's status, runs it again once A's run has expired, and answers
 * the counts. A stays mid-job for certain: its model directory's detector.json is a named
 * pipe nobody writes, so its vision worker waits on it for ever.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeScene, renderScene } from '@smartstock/models';
import type { RunningCloud } from '../../src/server.js';
import { TEST_DATABASE_URL } from '../support/db.js';
import { waitFor } from '../support/device.js';
import { OWNER, TEST_MQTT_URL, api, newRun, startInstance } from '../redis/support.js';
import { freePort } from '../../../e2e/src/ports.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const run = newRun();
const dbName = `ss_jobs_${run}`;
const dbUrl = (() => {
  const u = new URL(TEST_DATABASE_URL);
  u.pathname = `/${dbName}`;
  return u.toString();
})();
/** A's run counts as abandoned this long after it started; B's own run must fit in it too */
const JOB_TIMEOUT_SECONDS = 15;
const jobs = { pollingIntervalSeconds: 0.5, maintenanceIntervalSeconds: 1 };

/** Instance A as a process of its own, so it can die as a process does. */
async function startProcess(): Promise<{ url: string; child: ChildProcess; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'cloud-a-'));
  const models = join(dir, 'stuck-models');
  mkdirSync(models);
  execFileSync('mkfifo', [join(models, 'detector.json')]);
  const port = await freePort();
  const config = {
    http: { host: '127.0.0.1', port },
    database: { url: dbUrl },
    dataDir: dir,
    logLevel: 'warn',
    auth: { argon2: { memoryCost: 8, timeCost: 1 }, jwtSecret: `shared-secret-of-the-test-${run}-0123456789` },
    owner: { ...OWNER, organisation: 'Jobs Test Bars' },
    broker: { url: TEST_MQTT_URL, clientId: `cloud-a-${run}`, sharedGroup: `jobs-${run}` },
    vision: { modelDir: models, jobTimeoutSeconds: JOB_TIMEOUT_SECONDS },
    jobs,
  };
  const file = join(dir, 'cloud.json');
  writeFileSync(file, JSON.stringify(config));
  const child = spawn(process.execPath, ['--import', 'tsx', 'cloud/src/main.ts', '--config', file], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, SMARTSTOCK_CONFIG: '' },
  });
  let err = '';
  child.stderr!.on('data', (d) => (err = (err + d).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`cloud A exited ${child.exitCode}: ${err}`);
    return (await fetch(`${url}/healthz`).catch(() => undefined))?.ok;
  }, 200);
  return { url, child, dir };
}

describe('a vision job on PostgreSQL, its instance killed mid-job', () => {
  let admin: pg.Pool;
  let a: { url: string; child: ChildProcess; dir: string } | undefined;
  let b: RunningCloud | undefined;

  beforeAll(async () => {
    admin = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
    await admin.query(`CREATE DATABASE ${dbName}`);
    a = await startProcess();
  }, 120_000);
  afterAll(async () => {
    a?.child.kill('SIGKILL');
    await b?.stop();
    await admin?.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin?.end();
  });

  it('is answered, status and counts, by instance B', async () => {
    const onA = async (method: string, path: string, o: { token?: string; body?: unknown } = {}) => {
      const res = await fetch(`${a!.url}${path}`, {
        method,
        headers: { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...(o.body ? { 'content-type': 'application/json' } : {}) },
        ...(o.body ? { body: JSON.stringify(o.body) } : {}),
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    const token = (await onA('POST', '/api/v1/auth/login', { body: OWNER })).body.accessToken as string;
    const shelf = await renderScene(makeScene({ seed: 3_100_001, width: 960, height: 540 }));
    const sent = await onA('POST', '/api/v1/vision/analyze-shelf', {
      token,
      body: {
        image: shelf.jpeg.toString('base64'),
        slots: [
          {
            id: 'whole',
            polygon: [
              [0, 0],
              [1, 0],
              [1, 1],
              [0, 1],
            ],
          },
        ],
      },
    });
    expect(sent.status).toBe(202);
    const id = sent.body.jobId as string;
    expect(sent.body.jobUrl).toBe(`/api/v1/jobs/${id}`);

    // A has started the job and is stuck in it: kill it there
    await waitFor(async () => (await onA('GET', `/api/v1/jobs/${id}`, { token })).body.status === 'running', 100);
    const gone = new Promise((r) => a!.child.once('exit', r));
    a!.child.kill('SIGKILL');
    await gone;

    b = await startInstance('b', {
      run,
      dbUrl,
      redisUrl: '',
      // B shares A's data directory, as instances on one volume do: without S3 the uploaded photo is a file there
      over: { dataDir: a!.dir, redis: {}, vision: { jobTimeoutSeconds: JOB_TIMEOUT_SECONDS }, jobs },
    });
    // B knows the job A took (whatever state it is in by now) before running it itself
    const seen = await api(b, 'GET', `/api/v1/jobs/${id}`, { token });
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ id, name: 'vision_analyze_shelf' });

    const done = await waitFor(async () => {
      const r = await api(b!, 'GET', `/api/v1/jobs/${id}`, { token });
      return r.body.status === 'done' || r.body.status === 'failed' ? r.body : undefined;
    }, 250);
    expect(done).toMatchObject({ status: 'done', attempts: 2, error: null });
    expect(done.result.slots[0].slotId).toBe('whole');
    expect(done.result.slots[0].count).toBe(done.result.bottles.length);
    expect(done.result.bottles.length).toBeGreaterThan(0);

    // the seed's route answers from the same job state
    const legacy = await api(b, 'GET', `/api/v1/vision/processing-status/${id}`, { token });
    expect(legacy.body).toMatchObject({ jobId: id, status: 'done', result: done.result });
    // counted: the photo is not kept
    const { rows } = await b.db.query<{ dropped: boolean }>('SELECT photo IS NULL AS dropped FROM vision_jobs WHERE id = $1', [id]);
    expect(rows[0]!.dropped).toBe(true);
  });
});

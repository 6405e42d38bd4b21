/**
 * The job queue (pg-boss through the cloud's db layer) on PGlite and on PostgreSQL (a private
 * database on BENCH_DATABASE_URL's server, created and dropped here). For each it prints,
 * and adds to bench-results/cloud.json after the ingest bench's figures:
 * - enqueue → handler start, p50/p99, one job at a time to an idle instance (a NOTIFY wakes it);
 * - enqueue rate, jobs/s, one transaction per job;
 * - run rate, jobs/s, a backlog drained by 4 workers of one instance (no-op handler).
 * Asserts nothing: speed is read from the figures.
 */
import pg from 'pg';
import { z } from 'zod';
import { createLogger } from '@smartstock/runtime';
import { migrate, openDb, type Db } from '../src/db/index.js';
import { JobQueue } from '../src/jobs/index.js';
import { repos } from '../test/support/repos.js';
import { pct } from './load.js';
import { writeFigures } from './results.js';

const COMMAND = 'npm run bench -w cloud';
const LATENCY_JOBS = Number(process.env.BENCH_JOB_LATENCY ?? 50);
const BACKLOG = Number(process.env.BENCH_JOB_BACKLOG ?? 500);
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `ss_bench_jobs_${process.pid}`;
const logger = createLogger('bench', { level: 'warn' });
const round1 = (v: number) => Math.round(v * 10) / 10;
const payload = z.object({ n: z.number().int() });

interface Row {
  figure: string;
  value: number;
  unit: string;
  target?: string;
}

async function measure(label: string, db: Db): Promise<Row[]> {
  await migrate(db);
  const orgId = (await repos(db).venues.createOrganisation('Bench Bars')).id;
  // polling far apart: a job that starts quickly was woken by the enqueue, not found by a poll
  const jobs = new JobQueue({ db, logger, pollingIntervalSeconds: 10, maintenanceIntervalSeconds: 60 });
  let onStart: (() => void) | undefined;
  await jobs.register('bench_probe', { payload, run: async () => onStart?.() });
  // this instance only sends the backlog: its enqueue rate is not shared with running it
  await jobs.register('bench_drain', { payload, concurrency: 0, run: async () => undefined });
  await jobs.start();
  const drainer = new JobQueue({ db, logger, pollingIntervalSeconds: 10, maintenanceIntervalSeconds: 60 });
  try {
    const latencies: number[] = [];
    for (let i = 0; i < LATENCY_JOBS; i++) {
      const started = new Promise<void>((r) => (onStart = r));
      const t0 = performance.now();
      await jobs.enqueue('bench_probe', { n: i }, { orgId });
      await started;
      latencies.push(performance.now() - t0);
    }

    const t1 = performance.now();
    for (let i = 0; i < BACKLOG; i++) await jobs.enqueue('bench_drain', { n: i }, { orgId });
    const enqueueSeconds = (performance.now() - t1) / 1000;

    let ran = 0;
    let allRan!: () => void;
    const drained = new Promise<void>((r) => (allRan = r));
    await drainer.register('bench_drain', {
      payload,
      concurrency: 4,
      run: async () => {
        if (++ran === BACKLOG) allRan();
      },
    });
    const t2 = performance.now();
    await drainer.start();
    await drained;
    const drainSeconds = (performance.now() - t2) / 1000;
    return [
      { figure: `jobs: enqueue → start p50 (${label})`, value: round1(pct(latencies, 50)), unit: 'ms' },
      { figure: `jobs: enqueue → start p99 (${label})`, value: round1(pct(latencies, 99)), unit: 'ms' },
      { figure: `jobs: enqueue, one at a time (${label})`, value: Math.round(BACKLOG / enqueueSeconds), unit: 'jobs/s' },
      { figure: `jobs: run a backlog, 4 workers (${label})`, value: Math.round(BACKLOG / drainSeconds), unit: 'jobs/s' },
    ];
  } finally {
    await drainer.stop();
    await jobs.stop();
    await db.close();
  }
}

const rows: Row[] = [];
rows.push(...(await measure('PGlite', await openDb({ dataDir: 'memory://' }))));
const admin = new pg.Pool({ connectionString: serverUrl, max: 1 });
await admin.query(`CREATE DATABASE ${dbName}`);
try {
  const u = new URL(serverUrl);
  u.pathname = `/${dbName}`;
  rows.push(...(await measure('PostgreSQL', await openDb({ url: u.toString() }))));
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
}

const out = rows.map((r) => ({ ...r, command: COMMAND }));
console.table(Object.fromEntries(out.map(({ figure, value, unit }) => [figure, { value, unit }])));
writeFigures('jobs: ', out);

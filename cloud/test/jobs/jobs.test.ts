/** The job queue in a real cloud on PGlite: runs, retries with the reason, org-scoped status, and a restart. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { build, type TestCloud } from '../support/cloud.js';
import { waitFor } from '../support/device.js';
import { seedPki } from '../support/pki.js';

const word = z.object({ word: z.string().min(1) });

describe('jobs on one cloud', () => {
  let t: TestCloud;
  const flakyRuns = new Map<string, number>();

  const status = (id: string, token = t.ownerToken) => t.api('GET', `/api/v1/jobs/${id}`, { token });
  const settled = (id: string) =>
    waitFor(async () => {
      const r = await status(id);
      return r.body.status === 'done' || r.body.status === 'failed' ? r.body : undefined;
    });

  beforeAll(async () => {
    t = await build({ jobs: { pollingIntervalSeconds: 0.5, maintenanceIntervalSeconds: 1 } });
    const jobs = t.cloud.jobs;
    await jobs.register('test_echo', { payload: word, run: async (p, ctx) => ({ echo: p.word.toUpperCase(), attempt: ctx.attempt }) });
    await jobs.register('test_always_fails', {
      payload: word,
      retries: 2,
      retryDelaySeconds: 0,
      run: async (p) => {
        throw new Error(`the till export for ${p.word} is unreadable`);
      },
    });
    await jobs.register('test_fails_once', {
      payload: word,
      retries: 2,
      retryDelaySeconds: 0,
      run: async (p, ctx) => {
        flakyRuns.set(ctx.jobId, (flakyRuns.get(ctx.jobId) ?? 0) + 1);
        if (ctx.attempt === 1) throw new Error('the supplier portal timed out');
        return { word: p.word };
      },
    });
    await jobs.register('test_slow_retry', {
      payload: word,
      retries: 1,
      retryDelaySeconds: 3600,
      run: async () => {
        throw new Error('the POS vendor answered 503');
      },
    });
  });
  afterAll(async () => t?.close());

  it('runs a job sent here once per attempt however often it is asked to, and leaves a failed run to the queue to retry', async () => {
    // asked twice to run it: it runs once per attempt all the same (claimed before it runs)
    const id = await t.cloud.jobs.enqueue('test_fails_once', { word: 'here' }, { orgId: t.demo.orgId, here: true });
    t.cloud.jobs.runHere('test_fails_once', id);
    t.cloud.jobs.runHere('test_fails_once', id);
    const job = await settled(id);
    // the first run failed here; the queue's retry (no delay) ran the second
    expect(job).toMatchObject({ status: 'done', attempts: 2, result: { word: 'here' } });
    expect(flakyRuns.get(id)).toBe(2);
  });

  it('runs a job and answers its status and result at GET /jobs/{id}', async () => {
    const id = await t.cloud.jobs.enqueue('test_echo', { word: 'negroni' }, { orgId: t.demo.orgId });
    const job = await settled(id);
    expect(job).toMatchObject({ id, name: 'test_echo', status: 'done', attempts: 1, error: null, result: { echo: 'NEGRONI', attempt: 1 } });
    expect(job.finishedAt).not.toBeNull();
  });

  it('refuses a payload outside its schema, naming the field, and sends nothing', async () => {
    await expect(t.cloud.jobs.enqueue('test_echo', { word: 42 }, { orgId: t.demo.orgId })).rejects.toThrow(/test_echo: bad payload: word:/);
    await expect(t.cloud.jobs.enqueue('no_such_job', {}, { orgId: t.demo.orgId })).rejects.toThrow(/no job named no_such_job/);
    const { rows } = await t.cloud.db.query<{ n: number }>("SELECT count(*)::int AS n FROM jobs WHERE name = 'test_echo'");
    expect(rows[0]!.n).toBe(1);
  });

  it('retries a failing job, then lands it failed with the reason', async () => {
    const id = await t.cloud.jobs.enqueue('test_always_fails', { word: 'tuesday' }, { orgId: t.demo.orgId });
    const job = await settled(id);
    expect(job).toMatchObject({ status: 'failed', attempts: 3, maxAttempts: 3, result: null });
    expect(job.error).toBe('the till export for tuesday is unreadable');
  });

  it('a run that fails once succeeds on its retry', async () => {
    const id = await t.cloud.jobs.enqueue('test_fails_once', { word: 'rye' }, { orgId: t.demo.orgId });
    const job = await settled(id);
    expect(job).toMatchObject({ status: 'done', attempts: 2, result: { word: 'rye' } });
    expect(flakyRuns.get(id)).toBe(2);
  });

  it('between runs a job is retrying, with the last error, until its backoff has passed', async () => {
    const id = await t.cloud.jobs.enqueue('test_slow_retry', { word: 'x' }, { orgId: t.demo.orgId });
    const job = await waitFor(async () => {
      const r = await status(id);
      return r.body.status === 'retrying' ? r.body : undefined;
    });
    expect(job).toMatchObject({ attempts: 1, maxAttempts: 2, error: 'the POS vendor answered 503', finishedAt: null });
  });

  it("answers a job only to its organisation: another one's id is 404, a malformed id is 400", async () => {
    const id = await t.cloud.jobs.enqueue('test_echo', { word: 'ours' }, { orgId: t.demo.orgId });
    const other = await t.otherOrg();
    const theirs = await t.cloud.jobs.enqueue('test_echo', { word: 'theirs' }, { orgId: other.demo.orgId });
    expect((await status(id, other.token)).status).toBe(404);
    expect((await status(theirs)).status).toBe(404);
    expect((await status(theirs, other.token)).status).toBe(200);
    expect((await status(id)).status).toBe(200);
    expect((await status('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await status('not-a-job')).status).toBe(400);
  });
});

describe('jobs across a restart', () => {
  it('a job running when the cloud stops is run again by the next start on the same data directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cloud-jobs-restart-'));
    seedPki(dataDir);
    const over = { dataDir, database: { memory: false }, jobs: { pollingIntervalSeconds: 0.5, maintenanceIntervalSeconds: 1 } };

    const first = await build(over);
    let id = '';
    try {
      // this instance starts the job and is stopped in the middle of it
      await first.cloud.jobs.register('test_restart', {
        payload: word,
        retryDelaySeconds: 0,
        run: (_p, ctx) =>
          new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('the cloud is stopping')))),
      });
      id = await first.cloud.jobs.enqueue('test_restart', { word: 'mezcal' }, { orgId: first.demo.orgId });
      await waitFor(async () => (await first.api('GET', `/api/v1/jobs/${id}`, { token: first.ownerToken })).body.status === 'running');
    } finally {
      await first.close();
    }

    const second = await build(over);
    try {
      await second.cloud.jobs.register('test_restart', { payload: word, run: async (p, ctx) => ({ word: p.word, attempt: ctx.attempt }) });
      const job = await waitFor(async () => {
        const r = await second.api('GET', `/api/v1/jobs/${id}`, { token: second.ownerToken });
        return r.body.status === 'done' ? r.body : undefined;
      });
      expect(job).toMatchObject({ id, status: 'done', attempts: 2, result: { word: 'mezcal', attempt: 2 } });
    } finally {
      await second.close();
    }
  });
});

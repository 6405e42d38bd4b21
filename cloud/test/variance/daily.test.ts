import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Db } from '../../src/db/index.js';
import { defaultAlertsConfig, startAlerts, type RunningAlerts } from '../../src/alerts/index.js';
import { InventoryService } from '../../src/inventory/index.js';
import { JobQueue } from '../../src/jobs/index.js';
import { VARIANCE_DAILY_JOB, VarianceService } from '../../src/variance/index.js';
import { pgliteFactory } from '../support/db.js';
import { waitFor } from '../support/device.js';
import { constructWeek, WEEK, type Week } from './week.js';

/** The daily report per venue on the job queue, and the alert it feeds. */
describe('daily variance job', () => {
  let db: Db;
  let alerts: RunningAlerts;
  let jobs: JobQueue;
  let w: Week;
  let variance: VarianceService;
  const logger = pino({ level: 'silent' });
  const done = (id: string) => waitFor(async () => ((await jobs.get(w.orgId, id))?.status === 'done' ? jobs.get(w.orgId, id) : undefined));

  beforeAll(async () => {
    db = await pgliteFactory.open();
    alerts = await startAlerts({ db, config: defaultAlertsConfig(), logger });
    w = await constructWeek(db, { alerts: alerts.feed });
    jobs = new JobQueue({ db, logger, pollingIntervalSeconds: 0.5, maintenanceIntervalSeconds: 60 });
    variance = new VarianceService({ db, inventory: new InventoryService(db), alerts: alerts.feed, jobs, logger });
    await variance.registerJobs();
    await jobs.start();
  });
  afterAll(async () => {
    await jobs?.stop();
    await alerts?.stop();
    await db?.close();
  });

  it('claims each venue’s last local day once, across instances, and runs its report', async () => {
    expect(await variance.scheduleDaily()).toBe(1);
    expect(await variance.scheduleDaily()).toBe(0);
    const other = new VarianceService({ db, inventory: new InventoryService(db), jobs, logger });
    expect(await other.scheduleDaily()).toBe(0);
    const { rows } = await db.query<{ job_id: string; day: string }>(
      'SELECT job_id, day::text AS day FROM variance_runs WHERE venue_id = $1',
      [w.venueId],
    );
    expect(rows).toHaveLength(1);
    const job = await done(rows[0]!.job_id);
    expect(job.result).toMatchObject({ day: rows[0]!.day, lines: 3 });
  });

  it('a day with a loss of 2 bottles or more raises unexplained_loss from the job', async () => {
    const id = await jobs.enqueue(
      VARIANCE_DAILY_JOB,
      { venueId: w.venueId, day: '2026-11-02', from: WEEK.from.toISOString(), to: WEEK.to.toISOString() },
      { orgId: w.orgId },
    );
    expect((await done(id)).result).toMatchObject({ fed: 2, unexplainedUnits: 4.2, anomalies: 2 });
    const losses = (await alerts.engine.list(w.orgId, { states: ['raised'] })).filter((a) => a.rule === 'unexplained_loss');
    expect(losses.map((a) => a.itemId)).toEqual([w.jameson]);
  });
});

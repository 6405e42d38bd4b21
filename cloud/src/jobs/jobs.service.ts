import { randomUUID } from 'node:crypto';
import PgBoss from 'pg-boss';
import type { z } from 'zod';
import type { Logger } from '@smartstock/runtime';
import type { Db, Queryable } from '../db/types.js';
import { sqlExecutor, type SqlExecutor } from '../db/sql-executor.js';
import { retryOnDeadlock } from './deadlock.js';
import { JobsRepository } from './jobs.repository.js';
import type { jobView } from '@smartstock/api';

/** A job's life as the API tells it. */
export type JobView = z.infer<typeof jobView>;
export type JobStatus = JobView['status'];

export interface JobContext {
  jobId: string;
  orgId: string;
  /** 1 on the first run */
  attempt: number;
  /** true on the run after which a failure is final */
  lastAttempt: boolean;
  /** aborted when this instance stops: a long job may give up early, and is retried elsewhere */
  signal: AbortSignal;
  log: Logger;
}

export interface JobDefinition<S extends z.ZodType> {
  /** the payload's shape: checked when the job is sent and again when it runs */
  payload: S;
  /** resolves to the job's result (kept as JSON); a throw is a failed run */
  run(payload: z.output<S>, ctx: JobContext): Promise<unknown>;
  /** runs after the first that failed (default 2) */
  retries?: number;
  /** seconds before the first retry, doubled (with jitter) for each one after (default 5) */
  retryDelaySeconds?: number;
  /** a run longer than this, or whose instance died, counts as failed (default 300) */
  timeoutSeconds?: number;
  /** jobs of this name one instance runs at once (default 1; 0: this instance only sends them) */
  concurrency?: number;
}

export interface JobQueueOptions {
  db: Db;
  logger: Logger;
  pollingIntervalSeconds: number;
  maintenanceIntervalSeconds: number;
  /** how long stop() lets running jobs finish before handing them back for a retry */
  stopGraceSeconds?: number;
  /** told of each run's end (metrics/): done, retry (failed, will run again) or failed for good */
  onRun?: (name: string, outcome: 'done' | 'retry' | 'failed') => void;
}

interface Stored {
  orgId: string;
  payload: unknown;
}

/** Instances tell each other a job was sent, so an idle one starts it at once instead of at its next poll. */
const WAKE_CHANNEL = 'smartstock_jobs';
/**
 * A job sent to run here (enqueue's `here`) is due this long after it is sent: no worker takes it
 * meanwhile, and if this instance dies before running it, any instance's worker runs it then.
 */
const HERE_GRACE_SECONDS = 15;
const NAME = /^[a-z][a-z0-9_]{0,49}$/;
/** pg-boss's statements that complete or fail a run (src/plans.js completeJobs, failJobs) */
const UNAWAITED = /state = 'completed',|WITH deleted_jobs AS/;

const STATUS: Record<string, JobStatus> = {
  created: 'queued',
  retry: 'retrying',
  active: 'running',
  completed: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
};

/**
 * The one job queue of the cloud, on PostgreSQL (or PGlite) through pg-boss: a job outlives
 * the instance that sent it, any instance may run it, a failed run is retried with backoff,
 * and a job that keeps failing ends failed with the reason.
 */
export class JobQueue {
  private readonly defs = new Map<string, JobDefinition<z.ZodType>>();
  private readonly workers = new Map<string, string[]>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly log: Logger;
  private boss: PgBoss | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private stopping = new AbortController();
  private bossSchema = '';
  /** jobs of each name running here through runHere(), and those waiting for one of its slots */
  private readonly here = new Map<string, { running: number; waiting: string[] }>();

  constructor(private readonly options: JobQueueOptions) {
    this.log = options.logger.child({ module: 'jobs' });
  }

  /** Declares a kind of job and runs it on this instance; before or after start(). */
  async register<S extends z.ZodType>(name: string, def: JobDefinition<S>): Promise<void> {
    if (!NAME.test(name)) throw new Error(`job name ${JSON.stringify(name)}: expected 1-50 of [a-z0-9_], starting with a letter`);
    if (this.defs.has(name)) throw new Error(`job ${name} is registered already`);
    this.defs.set(name, def as unknown as JobDefinition<z.ZodType>);
    if (this.boss) await this.activate(name);
  }

  /**
   * Sends a job for the organisation; resolves to its id. Given tx, the job exists only if
   * tx commits, so a job never runs for a row its sender rolled back. here: the sender will run
   * it itself with runHere() once tx commits (no worker takes it for HERE_GRACE_SECONDS).
   */
  async enqueue(name: string, payload: unknown, options: { orgId: string; tx?: Queryable; id?: string; here?: boolean }): Promise<string> {
    const def = this.defs.get(name);
    if (!def) throw new Error(`no job named ${name} is registered`);
    const checked = def.payload.safeParse(payload);
    if (!checked.success) throw new Error(`job ${name}: bad payload: ${describe(checked.error)}`);
    const boss = this.started();
    const id = options.id ?? randomUUID();
    // an instance that only sends this kind (concurrency 0) leaves it to the workers, at once
    const here = options.here === true && runsHere(def);
    const send = async (tx: Queryable) => {
      await new JobsRepository(tx).add(options.orgId, id, name);
      const sendOptions = { id, db: sqlExecutor(tx), ...(here ? { startAfter: HERE_GRACE_SECONDS } : {}) };
      await boss.send(name, { orgId: options.orgId, payload: checked.data } satisfies Stored, sendOptions as PgBoss.SendOptions);
      // a job to run here wakes no worker: the sender runs it at once
      if (!here) await tx.notify(WAKE_CHANNEL, name);
    };
    await (options.tx ? send(options.tx) : this.options.db.transaction(send));
    return id;
  }

  /**
   * Runs a job sent with `here` on this instance now, as one of its workers would (its attempt
   * recorded, a failure retried by the queue with backoff), once one of the name's concurrency
   * slots is free here. The job is claimed first: a worker that took it once its grace ran out
   * runs it instead, never both. Returns at once; stop() waits for what it started.
   */
  runHere(name: string, id: string): void {
    const def = this.defs.get(name);
    if (!def || !this.boss || !runsHere(def)) return;
    const h = this.here.get(name) ?? { running: 0, waiting: [] };
    this.here.set(name, h);
    h.waiting.push(id);
    const next = () => {
      // once stopping, what waits is left to the workers of whichever instance runs next
      if (!this.boss || this.stopping.signal.aborted || h.running >= (def.concurrency ?? 1) || !h.waiting.length) return;
      const jobId = h.waiting.shift()!;
      h.running++;
      const run = this.claimAndRun(name, def, jobId).finally(() => {
        h.running--;
        next();
      });
      this.inFlight.add(run);
      void run.finally(() => this.inFlight.delete(run));
    };
    next();
  }

  private async claimAndRun(name: string, def: JobDefinition<z.ZodType>, id: string): Promise<void> {
    const boss = this.boss!;
    const retries = def.retries ?? 2;
    try {
      const job = await new JobsRepository(this.options.db).claim(this.bossSchema, name, id);
      if (!job) return;
      const run = { id, name, data: job.data as Stored, retryCount: job.retryCount } as PgBoss.JobWithMetadata<Stored>;
      let result: unknown;
      try {
        result = await this.runOne(name, def, run, retries);
      } catch (err) {
        await boss.fail(name, id, err as object);
        return;
      }
      await boss.complete(name, id, result as object);
    } catch (err) {
      // the claim or the record of the run's end failed (the database gone a moment): the job stays
      // queued or active, and a worker runs it once it is due or expired
      this.log.warn({ err, job: name, jobId: id }, 'a job to run here could not be run or recorded; the queue will run it');
    }
  }

  /** Jobs waiting to run (queued, or waiting for a retry) per registered kind; empty before start(). */
  async depths(): Promise<Record<string, number>> {
    const boss = this.boss;
    if (!boss) return {};
    const out: Record<string, number> = {};
    for (const name of this.defs.keys()) out[name] = (await boss.getQueueSize(name)) ?? 0;
    return out;
  }

  /** The job, if it is the organisation's. */
  async get(orgId: string, id: string): Promise<JobView | undefined> {
    const owner = await new JobsRepository(this.options.db).get(orgId, id);
    if (!owner) return undefined;
    const job = await this.started().getJobById<Stored>(owner.name, id, { includeArchive: true });
    return job ? view(job) : undefined;
  }

  async start(): Promise<void> {
    if (this.boss) return;
    const repo = new JobsRepository(this.options.db);
    const schema = await repo.currentSchema();
    const bossSchema = schema === 'public' ? 'pgboss' : `${schema}_pgboss`;
    this.bossSchema = bossSchema;
    // two instances starting on a new database at once can both insert pg-boss's schema: CREATE SCHEMA
    // IF NOT EXISTS is not safe against a concurrent creator, and pg-boss stops on the unique violation
    // (seen in the compose test), so we make the schema first and try again on that race
    await retryOnDeadlock(() => repo.ensureSchema(bossSchema));
    const boss = new PgBoss({
      db: this.tracked(sqlExecutor(this.options.db)),
      schema: bossSchema,
      supervise: true,
      schedule: false,
      maintenanceIntervalSeconds: this.options.maintenanceIntervalSeconds,
    });
    boss.on('error', (err) => this.log.error({ err }, 'job queue error'));
    // pg-boss keeps a job at most 14 days (an unstarted one); once it has dropped a job, its owner row goes too
    boss.on('maintenance', () => {
      void new JobsRepository(this.options.db).forget(15).catch((err: unknown) => this.log.warn({ err }, 'old jobs not forgotten'));
    });
    await boss.start();
    this.boss = boss;
    for (const name of this.defs.keys()) await this.activate(name);
    this.unlisten = await this.options.db.listen(WAKE_CHANNEL, (name) => this.wake(name));
  }

  async stop(): Promise<void> {
    const boss = this.boss;
    if (!boss) return;
    await this.unlisten?.();
    // no new runs here; running ones are told, may finish, and what still runs then fails its run and is retried elsewhere
    for (const id of [...this.workers.values()].flat()) await boss.offWork({ id });
    this.stopping.abort();
    await boss.stop({ graceful: true, close: false, timeout: (this.options.stopGraceSeconds ?? 10) * 1000 });
    // pg-boss records a finished run without awaiting it: let those writes land before the database closes
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
    this.boss = undefined;
    this.workers.clear();
    this.here.clear();
    this.stopping = new AbortController();
  }

  private started(): PgBoss {
    if (!this.boss) throw new Error('the job queue is not started');
    return this.boss;
  }

  private async activate(name: string): Promise<void> {
    const def = this.defs.get(name)!;
    const boss = this.started();
    const retries = def.retries ?? 2;
    const options = {
      name,
      retryLimit: retries,
      retryDelay: def.retryDelaySeconds ?? 5,
      retryBackoff: true,
      expireInSeconds: def.timeoutSeconds ?? 300,
    };
    // the first instance creates the queue; every start applies its options, so a changed timeout takes effect
    await retryOnDeadlock(async () => {
      await boss.createQueue(name, options);
      await boss.updateQueue(name, options);
    });
    const ids: string[] = [];
    for (let i = 0; i < (def.concurrency ?? 1); i++) {
      let id = '';
      const work = async ([job]: PgBoss.JobWithMetadata<Stored>[]) => {
        try {
          return await this.runOne(name, def, job!, retries);
        } finally {
          // a worker that found a job looks for the next at once; only an idle one waits for its poll or a wake-up
          boss.notifyWorker(id);
        }
      };
      id = await boss.work<Stored>(
        name,
        { pollingIntervalSeconds: this.options.pollingIntervalSeconds, batchSize: 1, includeMetadata: true },
        work,
      );
      ids.push(id);
    }
    this.workers.set(name, ids);
  }

  private async runOne(name: string, def: JobDefinition<z.ZodType>, job: PgBoss.JobWithMetadata<Stored>, retries: number) {
    const attempt = job.retryCount + 1;
    const log = this.log.child({ job: name, jobId: job.id, attempt });
    const payload = def.payload.safeParse(job.data.payload);
    // a payload sent by an older version that this one no longer reads: retrying will not help, but says why
    if (!payload.success) {
      this.options.onRun?.(name, attempt > retries ? 'failed' : 'retry');
      throw new Error(`bad payload: ${describe(payload.error)}`);
    }
    try {
      const result = await def.run(payload.data, {
        jobId: job.id,
        orgId: job.data.orgId,
        attempt,
        lastAttempt: attempt > retries,
        signal: this.stopping.signal,
        log,
      });
      log.debug('job done');
      this.options.onRun?.(name, 'done');
      return result;
    } catch (e) {
      log.warn({ err: e }, attempt > retries ? 'job failed for good' : 'job run failed; it will be retried');
      this.options.onRun?.(name, attempt > retries ? 'failed' : 'retry');
      throw e;
    }
  }

  private wake(name: string): void {
    for (const id of this.workers.get(name) ?? []) this.boss?.notifyWorker(id);
  }

  private tracked(executor: SqlExecutor): SqlExecutor {
    return {
      executeSql: (text, values) => {
        const query = executor.executeSql(text, values);
        this.inFlight.add(query);
        void query.finally(() => this.inFlight.delete(query)).catch(() => undefined);
        if (!values?.length || !UNAWAITED.test(text)) return query;
        // pg-boss records the end of a run without awaiting it: a rejection there (the database
        // gone for a moment) would be unhandled and end the process. The run then stays active
        // until it expires, and is retried like the run of an instance that died.
        return query.catch((err: unknown) => {
          this.log.warn({ err }, 'the end of a job run could not be recorded; the job will run again');
          return { rows: [{ count: 0 }], rowCount: 0 };
        });
      },
    };
  }
}

const runsHere = (def: JobDefinition<z.ZodType>) => (def.concurrency ?? 1) > 0;

function describe(e: z.ZodError): string {
  return e.issues.map((i) => `${i.path.length ? i.path.join('.') : '(payload)'}: ${i.message}`).join('; ');
}

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);

function view(job: PgBoss.JobWithMetadata<Stored>): JobView {
  const status = STATUS[job.state] ?? 'queued';
  const output = (job as { output?: unknown }).output;
  const failure = status === 'failed' || status === 'retrying' ? output : undefined;
  const finished = status === 'done' || status === 'failed' || status === 'cancelled';
  return {
    id: job.id,
    name: job.name,
    status,
    attempts: job.startedOn ? job.retryCount + 1 : 0,
    maxAttempts: job.retryLimit + 1,
    result: status === 'done' ? (output ?? null) : null,
    error: failure ? reason(failure) : null,
    createdAt: iso(job.createdOn)!,
    startedAt: iso(job.startedOn),
    finishedAt: finished ? iso(job.completedOn) : null,
  };
}

/** pg-boss keeps a failed run's serialised error; the API tells its message, never its stack. */
function reason(output: unknown): string {
  const result = output as { message?: unknown; value?: unknown } | null;
  const message =
    result?.message ?? (typeof result?.value === 'string' ? result.value : (result?.value as { message?: unknown } | undefined)?.message);
  return typeof message === 'string' ? message : 'the job failed';
}

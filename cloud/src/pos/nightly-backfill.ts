import { randomUUID } from 'node:crypto';
import type { Logger } from '@smartstock/runtime';
import type { Db } from '../db/types.js';
import { repeatEvery, type JobQueue, type Repeating } from '../jobs/index.js';
import type { PosAdapter } from './adapters/types.js';
import { BackfillRepository } from './backfill.repository.js';
import { BACKFILL_JOB } from './pos.service.js';

export interface NightlyBackfillOptions {
  db: Db;
  jobs: Pick<JobQueue, 'enqueue'>;
  /** the adapters in use: only those that pull a business day (fetchDay) are back-filled */
  adapters: PosAdapter[];
  /** the venue's local hour from which its previous day is pulled (config pos.nightlyBackfillHour) */
  hour: number;
  logger: Logger;
}

/**
 * Pulls every back-fillable connection's previous business day once the venue's local clock
 * reaches the configured hour: a webhook the POS never resent (Toast after a 4xx, Square after
 * 24 h, or the cloud down longer than the retries) is recovered before the daily variance report,
 * which waits six hours after local midnight. Each connection and day is claimed once across
 * instances, and the pull itself writes only what is missing (SalesLedger.applyOrder).
 */
export class NightlyBackfill {
  private timer: Repeating | undefined;
  private readonly log: Logger;

  constructor(private readonly options: NightlyBackfillOptions) {
    this.log = options.logger.child({ module: 'pos' });
  }

  /** Queues the due pulls as of `now`; resolves to how many were queued. One connection's failure is logged and skips only it. */
  async schedule(now = new Date()): Promise<number> {
    const providers = this.options.adapters.filter((a) => a.fetchDay).map((a) => a.provider);
    if (!providers.length) return 0;
    let queued = 0;
    for (const due of await new BackfillRepository(this.options.db).due(providers, this.options.hour, now)) {
      try {
        const sent = await this.options.db.transaction(async (tx) => {
          const id = randomUUID();
          if (!(await new BackfillRepository(tx).claim(due.orgId, due.connectionId, due.businessDate, id))) return false;
          const payload = { connectionId: due.connectionId, businessDate: due.businessDate.replaceAll('-', '') };
          await this.options.jobs.enqueue(BACKFILL_JOB, payload, { orgId: due.orgId, tx, id });
          return true;
        });
        if (sent) queued++;
      } catch (err) {
        // the claim rolled back with it: the next tick tries this connection again
        this.log.warn(
          { err, orgId: due.orgId, connectionId: due.connectionId, businessDate: due.businessDate },
          'nightly POS back-fill not queued for this connection',
        );
      }
    }
    return queued;
  }

  /** Checks for due pulls now and every intervalMs. */
  start(intervalMs = 15 * 60_000): void {
    this.timer = repeatEvery(intervalMs, () => this.schedule(), {
      log: this.log,
      failed: 'nightly POS back-fill not scheduled',
      atOnce: true,
    });
  }

  stop(): void {
    this.timer?.stop();
  }
}

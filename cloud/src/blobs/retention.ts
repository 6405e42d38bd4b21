import { z } from 'zod';
import type { Logger } from '@smartstock/runtime';
import { repeatEvery, type JobQueue, type Repeating } from '../jobs/index.js';
import { retentionKinds, type BlobsConfig } from './config.js';
import { FilesystemBlobStore } from './fs-store.js';
import { kindPrefix, type BlobKind } from './keys.js';
import type { BlobStore } from './store.js';

/** The job queue's name for deleting one organisation's blobs past their kind's retention. */
export const BLOB_RETENTION = 'blob_retention';
const DAY_MS = 86_400_000;

/**
 * Retention per kind (snapshots 30 days by default): every few hours each instance sends one
 * job per organisation that has blobs; whichever instance runs it deletes what is older than
 * its kind's period. Deleting twice is harmless, so instances need not agree who sends.
 */
export class BlobRetention {
  private timer: Repeating | undefined;

  constructor(
    private readonly store: BlobStore,
    private readonly jobs: JobQueue,
    private readonly config: BlobsConfig,
    private readonly log: Logger,
  ) {}

  async registerJobs(): Promise<void> {
    await this.jobs.register(BLOB_RETENTION, {
      payload: z.object({}).strict(),
      run: (_p, ctx) => this.prune(ctx.orgId),
      retries: 2,
      retryDelaySeconds: 60,
      timeoutSeconds: 3600,
    });
  }

  /** Deletes the organisation's blobs past retention; answers how many per kind. */
  async prune(orgId: string, now = Date.now()): Promise<Partial<Record<BlobKind, number>>> {
    const deleted: Partial<Record<BlobKind, number>> = {};
    for (const { kind, days } of retentionKinds(this.config)) {
      const cutoff = now - days * DAY_MS;
      let n = 0;
      for await (const b of this.store.list(kindPrefix(orgId, kind))) {
        if (b.lastModified.getTime() >= cutoff) continue;
        await this.store.delete(b.key);
        n++;
      }
      deleted[kind] = n;
    }
    return deleted;
  }

  /** One retention job per organisation with blobs; answers how many were sent. */
  async schedule(): Promise<number> {
    if (this.store instanceof FilesystemBlobStore) await this.store.sweepTemporary();
    if (!retentionKinds(this.config).length) return 0;
    let sent = 0;
    for (const orgId of await this.store.orgs()) {
      // an organisation deleted from the database but not yet from the store: its enqueue fails alone
      await this.jobs.enqueue(BLOB_RETENTION, {}, { orgId }).then(
        () => sent++,
        (err: unknown) => this.log.warn({ err, orgId }, 'blob retention not scheduled for this organisation'),
      );
    }
    return sent;
  }

  start(): void {
    this.timer = repeatEvery(this.config.retentionCheckMinutes * 60_000, () => this.schedule(), {
      log: this.log,
      failed: 'blob retention not scheduled',
      atOnce: true,
    });
  }

  stop(): void {
    this.timer?.stop();
  }
}

import type { Logger } from '@smartstock/runtime';
import type { Db } from '../db/types.js';
import { DeadLetterRepository } from './dead-letter.repository.js';

const HOUR_MS = 3_600_000;

/**
 * Deletes dead letters older than the retention, at start and then hourly: a device that keeps
 * sending garbage must not fill the database. Every instance may run it; the DELETE is idempotent.
 */
export function startDeadLetterPruner(db: Db, retentionDays: number, logger: Logger): { stop(): void } {
  const log = logger.child({ module: 'dead-letters' });
  const prune = async () => {
    try {
      const deleted = await new DeadLetterRepository(db).pruneOlderThan(retentionDays);
      if (deleted) log.info({ deleted, retentionDays }, 'old dead letters pruned');
    } catch (e) {
      log.warn({ err: (e as Error).message }, 'pruning dead letters failed; next hour again');
    }
  };
  void prune();
  const timer = setInterval(() => void prune(), HOUR_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

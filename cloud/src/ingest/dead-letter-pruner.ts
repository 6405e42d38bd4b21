import type { Logger } from '@smartstock/runtime';
import type { Db } from '../db/types.js';
import { repeatEvery, type Repeating } from '../jobs/index.js';
import { DeadLetterRepository } from './dead-letter.repository.js';

const HOUR_MS = 3_600_000;

/**
 * Deletes dead letters older than the retention, at start and then hourly: a device that keeps
 * sending garbage must not fill the database. Every instance may run it; the DELETE is idempotent.
 */
export function startDeadLetterPruner(db: Db, retentionDays: number, logger: Logger): Repeating {
  const log = logger.child({ module: 'dead-letters' });
  const prune = async () => {
    const deleted = await new DeadLetterRepository(db).pruneOlderThan(retentionDays);
    if (deleted) log.info({ deleted, retentionDays }, 'old dead letters pruned');
  };
  return repeatEvery(HOUR_MS, prune, { log, failed: 'pruning dead letters failed; next hour again', atOnce: true });
}

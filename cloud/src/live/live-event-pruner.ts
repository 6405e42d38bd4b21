import type { Logger } from '@smartstock/runtime';
import type { Db } from '../db/types.js';
import { repeatEvery, type Repeating } from '../jobs/index.js';
import { LiveEventRepository } from './live-event.repository.js';

const HOUR_MS = 3_600_000;
/** rows per DELETE: each statement is short, so a years-long backlog never holds a long lock */
export const PRUNE_BATCH = 5000;

/** Deletes live events older than the retention, batch after batch until none is left. */
export async function pruneLiveEvents(db: Db, retentionHours: number, batch = PRUNE_BATCH): Promise<number> {
  const events = new LiveEventRepository(db);
  let deleted = 0;
  for (;;) {
    const n = await events.pruneBatch(retentionHours, batch);
    deleted += n;
    if (n < batch) return deleted;
  }
}

/**
 * Prunes live events at start and then hourly: every observation appends events, so the table would
 * grow without bound. A dashboard whose cursor is older than what is kept is told to resync (LiveHub).
 * Every instance may run it; the DELETE is idempotent.
 */
export function startLiveEventPruner(db: Db, retentionHours: number, logger: Logger): Repeating {
  const log = logger.child({ module: 'live' });
  const prune = async () => {
    const deleted = await pruneLiveEvents(db, retentionHours);
    if (deleted) log.info({ deleted, retentionHours }, 'old live events pruned');
  };
  return repeatEvery(HOUR_MS, prune, { log, failed: 'pruning live events failed; next hour again', atOnce: true });
}

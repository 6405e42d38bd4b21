import type { Logger } from '@smartstock/runtime';
import type { Db } from '../db/types.js';
import { repeatEvery, type Repeating } from '../jobs/index.js';
import { ObservationPartitionRepository } from './observation-partitions.repository.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export interface ObservationRetention {
  /** raw observations are kept this long, then rolled up hourly */
  retentionDays: number;
  /** monthly partitions made ahead of time, so that ingest never writes into observations_after */
  monthsAhead: number;
}

export interface MaintenanceResult {
  created: string[];
  dropped: string[];
  hourlyRows: number;
}

const monthStart = (t: number, plus = 0) => {
  const d = new Date(t);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + plus, 1));
};

/**
 * Keeps observations' monthly partitions: the months from the retention cutoff to monthsAhead
 * exist, and a month wholly older than the cutoff is rolled up into observation_hourly and
 * dropped (a DROP, not a DELETE of millions of rows). Every step takes one advisory lock and
 * re-checks what exists, so every instance may run it.
 */
export class ObservationPartitions {
  private readonly repo: ObservationPartitionRepository;

  constructor(
    db: Db,
    private readonly config: ObservationRetention,
  ) {
    this.repo = new ObservationPartitionRepository(db);
  }

  async maintain(now = Date.now()): Promise<MaintenanceResult> {
    const cutoff = new Date(now - this.config.retentionDays * DAY_MS);
    const out: MaintenanceResult = { created: [], dropped: [], hourlyRows: 0 };
    for (let m = monthStart(cutoff.getTime()); m <= monthStart(now, this.config.monthsAhead); m = monthStart(m.getTime(), 1)) {
      if (await this.repo.createMonth(m)) out.created.push(m.toISOString().slice(0, 7));
    }
    for (const p of await this.repo.list()) {
      if (p.to > cutoff) continue;
      out.hourlyRows += await this.repo.rollUpAndDrop(p);
      out.dropped.push(p.name);
    }
    out.hourlyRows += await this.repo.rollUpOutliers(cutoff);
    return out;
  }

  /** At start-up and then hourly; a failure is logged and the next hour tries again. */
  start(logger: Logger): Repeating {
    const log = logger.child({ module: 'observation-partitions' });
    const run = async () => {
      const r = await this.maintain();
      if (r.created.length || r.dropped.length || r.hourlyRows) log.info(r, 'observation partitions maintained');
    };
    return repeatEvery(HOUR_MS, run, { log, failed: 'observation partition maintenance failed; next hour again', atOnce: true });
  }
}

import type { z } from 'zod';
import type { accuracyFigures } from '@smartstock/api';

export type AccuracyFigures = z.infer<typeof accuracyFigures>;

/** One correction as the drift figures need it: the model's answer beside the person's. */
export interface JudgedCorrection {
  modelVersions: Record<string, string> | null;
  /** null: the slot had no reading yet, so there is nothing to judge */
  modelCount: number | null;
  modelFills: (number | null)[] | null;
  trueCount: number;
  trueFills: number[] | null;
}

/** "detector 1.2.0 + fill 0.3.1", names in order, so one set of models always reads the same. */
export function modelVersionLabel(v: Record<string, string> | null): string {
  if (!v || !Object.keys(v).length) return 'unknown';
  return Object.entries(v)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, version]) => `${name} ${version}`)
    .join(' + ');
}

const round = (n: number) => Math.round(n * 1e4) / 1e4;

/**
 * The figures over a set of corrections. Confirmed: the person counted what the model counted.
 * The count error is the mean absolute difference in bottles over the judged corrections; the fill
 * error pairs bottles left to right, so it is taken only where the person gave fills and kept the
 * model's count (otherwise which bottle is which is unknown), and skips bottles the model could not read.
 */
export function accuracyOf(rows: readonly JudgedCorrection[]): AccuracyFigures {
  let judged = 0;
  let confirmed = 0;
  let countOff = 0;
  let fillOff = 0;
  let fillBottles = 0;
  for (const row of rows) {
    if (row.modelCount === null) continue;
    judged++;
    const off = Math.abs(row.trueCount - row.modelCount);
    if (off === 0) confirmed++;
    countOff += off;
    if (!row.trueFills || !row.modelFills || off !== 0) continue;
    row.trueFills.forEach((t, i) => {
      const m = row.modelFills![i];
      if (typeof m !== 'number') return;
      fillOff += Math.abs(t - m);
      fillBottles++;
    });
  }
  return {
    corrections: rows.length,
    judged,
    confirmed,
    changed: judged - confirmed,
    confirmedShare: judged ? round(confirmed / judged) : null,
    changedShare: judged ? round((judged - confirmed) / judged) : null,
    countError: judged ? round(countOff / judged) : null,
    fillError: fillBottles ? round(fillOff / fillBottles) : null,
    fillBottles,
  };
}

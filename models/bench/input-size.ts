/**
 * Small bottles, issue 22 item 3: the given detector at 416, 512 and 640 input in one pass and at its own input
 * with 2x2 tiles and with auto tiles (tiles where the whole pass shows small bottles, as `npm run detect`), each on
 * every real split with its bootstrap interval and its 720p frame time (decode, detect, fills; 1 thread), then the
 * camera frame's default picked by the numbers (pickInputSize). The 512 and 640 exports are the same weights
 * (YOLOX is fully convolutional), written by `cd train && sh export_sizes.sh` into .cache/input-size/N.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { averagePrecision, bootstrapInterval, type ImageResult } from '../src/eval/metrics.js';
import { fillFolderFor, loadBottleVision, readDetectorMetadata, type BottleVision, type TilePlan } from '../src/index.js';
import { frameLatency } from './latency.js';

export const INPUT_SIZE_CACHE = resolve(dirname(fileURLToPath(import.meta.url)), '..', '.cache', 'input-size');
/** The issue's target for one 720p frame on one thread of the quiet machine. */
export const FRAME_TARGET_MS = 40;
/** The shipped 416 one-pass frame on the quiet machine (cards/yolox-nano.md): loaded figures are scaled by it. */
export const QUIET_416_FRAME_MS = 30.8;

export interface SizeRow {
  name: string;
  /** Per split, in the order of the splits given: AP50 and its 90 % bootstrap interval. */
  aps: { ap: number; lo: number; hi: number }[];
  /** Median 720p frame ms under the load of this run. */
  ms: number;
}

export interface SizeChoice {
  /** The row picked: the first (the current default) unless another clears every rule. */
  picked: SizeRow;
  /** Per row after the first: why it was not picked, or 'picked'. */
  verdicts: string[];
}

/**
 * The rule: a candidate replaces the current default (the first row) only if it is at least as good on every
 * split, better on their mean, and its frame, scaled from this run's load to the quiet machine by the current
 * default's measured frame, stays within the target. Among those, the best mean AP50.
 */
export function pickInputSize(rows: SizeRow[], labels: string[], quiet416 = QUIET_416_FRAME_MS, target = FRAME_TARGET_MS): SizeChoice {
  const [current, ...others] = rows;
  if (!current) throw new Error('pickInputSize: no rows');
  const mean = (row: SizeRow): number => row.aps.reduce((s, a) => s + a.ap, 0) / row.aps.length;
  let picked = current;
  // every reason a candidate fails is named, so the table says what it would take
  const verdicts = others.map((row) => {
    const reasons = row.aps.flatMap((a, i) =>
      a.ap < current.aps[i]!.ap ? [`lowers ${labels[i]} ${a.ap.toFixed(3)} < ${current.aps[i]!.ap.toFixed(3)}`] : [],
    );
    if (mean(row) <= mean(current)) reasons.push('no higher mean AP50');
    const quiet = (row.ms / current.ms) * quiet416;
    if (quiet > target) reasons.push(`720p frame about ${quiet.toFixed(1)} ms on the quiet machine, over ${target}`);
    if (reasons.length) return reasons.join(', ');
    if (mean(row) > mean(picked)) picked = row;
    return 'clears every rule';
  });
  return { picked, verdicts: others.map((row, i) => (row === picked ? 'picked' : verdicts[i]!)) };
}

/** The given detector's passes to compare: its own input one pass and 2x2 tiles, and the cached 512 / 640 exports. */
async function variants(modelDir: string): Promise<[string, string, TilePlan][]> {
  const size = (await readDetectorMetadata(join(modelDir, 'detector.json'))).input.width;
  const out: [string, string, TilePlan][] = [[`${size}, one pass`, modelDir, null]];
  for (const other of [512, 640]) {
    const dir = join(INPUT_SIZE_CACHE, String(other));
    if (other === size) continue;
    if (existsSync(join(dir, 'detector.json'))) out.push([`${other}, one pass`, dir, null]);
    else console.error(`(${dir} missing: cd train && sh export_sizes.sh)`);
  }
  out.push([`${size}, 2x2 tiles + the whole frame`, modelDir, { cols: 2, rows: 2, overlap: 0.2 }]);
  // what npm run detect does: on these splits' <= 2x-input images, tiles only where the whole pass shows small
  // bottles (a 720p frame is above 2x, so its frame time is the 5x3 grid's)
  out.push([`${size}, auto (tiles where the whole pass shows small bottles)`, modelDir, 'auto']);
  return out;
}

/** The table and the pick, as markdown lines. */
export async function inputSizeSection(
  modelDir: string,
  splits: string[],
  evalSplit: (vision: BottleVision, which: string) => Promise<ImageResult[]>,
): Promise<string> {
  const rows: SizeRow[] = [];
  for (const [name, dir, tiles] of await variants(modelDir)) {
    const fillDir = fillFolderFor(modelDir);
    const vision = await loadBottleVision({ modelDir: dir, fillDir, threads: 1, scoreThreshold: 0.01, tiles });
    const aps = [];
    try {
      for (const which of splits) {
        const res = await evalSplit(vision, which);
        const [lo, hi] = bootstrapInterval(res, (r) => averagePrecision(r, 0.5));
        aps.push({ ap: averagePrecision(res, 0.5), lo, hi });
      }
    } finally {
      await vision.close();
    }
    rows.push({ name, aps, ms: await frameLatency(dir, fillDir, 15, 1, tiles) });
  }
  const f = (n: number, d = 3): string => (Number.isNaN(n) ? 'n/a' : n.toFixed(d));
  const lines = [
    `| input, pass | ${splits.join(' AP50 | ')} AP50 | mean | 720p frame ms (1 thread, this load) | x the first |`,
    `|---|${splits.map(() => '---|').join('')}---|---|---|`,
  ];
  for (const row of rows)
    lines.push(
      `| ${row.name} | ${row.aps.map((a) => `${f(a.ap)} [${f(a.lo)}-${f(a.hi)}]`).join(' | ')} | ${f(row.aps.reduce((s, a) => s + a.ap, 0) / row.aps.length)} | ${f(row.ms, 1)} | ${f(row.ms / rows[0]!.ms, 2)} |`,
    );
  const choice = pickInputSize(rows, splits);
  lines.push(
    '',
    `Input size picked: ${choice.picked.name} (a candidate replaces the first row only if no split falls, the mean rises and its 720p frame, scaled to the quiet machine's ${QUIET_416_FRAME_MS} ms for the first, stays ≤ ${FRAME_TARGET_MS} ms). ${rows
      .slice(1)
      .map((row, i) => `${row.name}: ${choice.verdicts[i]}`)
      .join('; ')}.`,
  );
  return lines.join('\n');
}

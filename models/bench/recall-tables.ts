/**
 * eval:vision's recall tables at the operating point: synthetic bottles by height in the frame and by how much of
 * each is seen, and real bottles by their height at the detector's input (where the network, not the photo, loses
 * them: the private photos hold 187 of 409 bottles under 32 px).
 */
import { recallBy, type ImageResult, type TruthBox } from '../src/eval/metrics.js';
import type { Split } from '../src/index.js';

const HEIGHTS = [40, 80, 160] as const;
export const HEIGHT_BINS = [`< ${HEIGHTS[0]} px`, ...HEIGHTS.slice(1).map((t, i) => `${HEIGHTS[i]}-${t} px`), `≥ ${HEIGHTS.at(-1)} px`];
export const heightBin = (h: number): string => {
  const i = HEIGHTS.findIndex((t) => h < t);
  return HEIGHT_BINS[i < 0 ? HEIGHTS.length : i]!;
};
const VISIBLE_BINS = ['30-60 % seen', '60-90 % seen', '≥ 90 % seen'];
const visibleBin = (v: number): string => VISIBLE_BINS[v < 0.6 ? 0 : v < 0.9 ? 1 : 2]!;

const INPUT_HEIGHTS = [20, 32, 64] as const;
const INPUT_BINS = [`< ${INPUT_HEIGHTS[0]} px`, '20-32 px', '32-64 px', `≥ ${INPUT_HEIGHTS.at(-1)} px`];
const inputBin = (h: number): string => INPUT_BINS[INPUT_HEIGHTS.filter((t) => h >= t).length]!;

/** eval's rows: the set's name, its results, and the synthetic split it is (null: real photos) */
type Row = [string, ImageResult[], Split | null];

const table = (header: string, columns: string[], lines: string[]): string =>
  [
    header,
    `| ${columns.join(' | ')} |`,
    `|---|${columns
      .slice(1)
      .map(() => '---|')
      .join('')}`,
    ...lines,
  ].join('\n');

/** Synthetic splits: recall by bottle height in the frame and by the share of it seen (found share and bottles). */
export function recallByHeightTable(rows: Row[], threshold: number): string {
  const columns = [...HEIGHT_BINS, ...VISIBLE_BINS];
  const lines = rows.flatMap(([, results, split]) => {
    if (!split) return [];
    const by = (group: (t: TruthBox) => string) => recallBy(results, threshold, group);
    const cells = new Map([...by((t) => heightBin(t.h)), ...by((t) => visibleBin(t.visible ?? 1))]);
    const cell = (bin: string): string => {
      const found = cells.get(bin);
      return found ? `${(found.found / found.total).toFixed(2)} (${found.total})` : 'n/a';
    };
    return [`| ${split} | ${columns.map(cell).join(' | ')} |`];
  });
  return table(
    `\n## models: recall at the operating point by bottle height and by how much of it is seen (found / bottles)\n`,
    ['split', ...columns],
    lines,
  );
}

/** Real splits: bottles found / bottles by height at the detector's input in one pass; null without real rows. */
export function realRecallByInputHeightTable(
  realRows: Row[],
  threshold: number,
  input: { width: number; height: number },
  tiled: boolean,
): string | null {
  if (realRows.length === 0) return null;
  const lines = realRows.map(([name, results]) => {
    const cells = recallBy(results, threshold, (t) => inputBin(t.hAtInput ?? t.h));
    const cell = (bin: string): string => {
      const found = cells.get(bin);
      return found ? `${found.found} / ${found.total}` : '–';
    };
    return `| ${name.split(' (')[0]} | ${INPUT_BINS.map(cell).join(' | ')} |`;
  });
  return table(
    `\n## models: real photos, recall at the operating point by bottle height at the ${input.width}x${input.height} input, one pass (found / bottles${tiled ? '; this run tiles, so its bottles reach the network larger' : ''})\n`,
    ['set', ...INPUT_BINS],
    lines,
  );
}

/**
 * A candidate detector against the given one on the same real images: per split, the AP50 difference with
 * its paired 90 % bootstrap interval (both detectors' results on one draw of images) and the share of draws
 * where the candidate is below. Side-by-side intervals overlap on a split of 17 bottles whatever the
 * detectors do; the paired interval says whether a fall there is a fall or the split's noise.
 */
import { averagePrecision, pairedDifferenceInterval, type ImageResult } from '../src/eval/metrics.js';

const f = (v: number, digits = 3): string => (Number.isNaN(v) ? 'n/a' : v.toFixed(digits));
const signed = (v: number): string => `${v >= 0 ? '+' : ''}${f(v)}`;

export function pairedTable(
  given: ReadonlyMap<string, ImageResult[]>,
  candidate: ReadonlyMap<string, ImageResult[]>,
  label: (split: string) => string,
): string {
  const lines = [
    '| split | given AP50 | candidate AP50 | difference | paired 90 % interval | draws with the candidate below | verdict |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const [split, givenResults] of given) {
    const candidateResults = candidate.get(split);
    if (!candidateResults) continue;
    const ap = (results: ImageResult[]) => averagePrecision(results, 0.5);
    const { difference, interval, belowZero } = pairedDifferenceInterval(givenResults, candidateResults, ap);
    const verdict = interval[1] < 0 ? 'below' : interval[0] > 0 ? 'above' : 'within noise';
    lines.push(
      `| ${label(split)} | ${f(ap(givenResults))} | ${f(ap(candidateResults))} | ${signed(difference)} | ${signed(interval[0])} to ${signed(interval[1])} | ${f(100 * belowZero, 0)} % | ${verdict} |`,
    );
  }
  return lines.join('\n');
}

// The vision model's count error day by day, one line per model version. Loaded with
// import() from the accuracy page only, as the level chart is from the item page.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { AccuracySeries } from './types';

const COLOURS = ['#f0b35a', '#79b8ff', '#85e89d', '#f97583', '#b392f0', '#ffab70'];
const DAY_S = 86_400;
const dayS = (day: string) => Date.parse(`${day}T00:00:00Z`) / 1000;

/** One x axis (every day of the range) and, per model version, its count error where it had corrections. */
export function toErrorSeries(series: AccuracySeries[], from: string, to: string): [number[], ...(number | null)[][]] {
  const xs: number[] = [];
  for (let t = dayS(from); t <= dayS(to); t += DAY_S) xs.push(t);
  const lines = series.map((s) => {
    const byDay = new Map(s.days.map((d) => [dayS(d.day), d.countError]));
    return xs.map((x) => byDay.get(x) ?? null);
  });
  return [xs, ...lines];
}

export function drawAccuracyChart(
  el: HTMLElement,
  series: AccuracySeries[],
  range: { from: string; to: string },
  width: number,
): () => void {
  const data = toErrorSeries(series, range.from, range.to);
  const top = Math.max(1, ...data.slice(1).flatMap((l) => l.map((v) => v ?? 0))) * 1.15;
  const axis = { stroke: '#a3b0bd', grid: { stroke: '#2c3744' }, ticks: { stroke: '#2c3744' } };
  const plot = new uPlot(
    {
      width,
      height: 260,
      // days are UTC midnights: shown as such, so a day never slides into its neighbour
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      scales: { x: { time: true, range: () => [dayS(range.from) - DAY_S / 2, dayS(range.to) + DAY_S / 2] }, y: { range: () => [0, top] } },
      axes: [axis, { ...axis, label: 'bottles off per slot' }],
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.modelVersion,
          stroke: COLOURS[i % COLOURS.length]!,
          width: 2,
          spanGaps: true,
          points: { size: 7 },
        })),
      ],
    },
    data,
    el,
  );
  const ro = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: 260 }));
  ro.observe(el);
  return () => {
    ro.disconnect();
    plot.destroy();
  };
}

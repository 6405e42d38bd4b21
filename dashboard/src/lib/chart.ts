// Level-over-time chart. Loaded with import() from the item page only, so uPlot
// is not part of the first load.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { History } from './types';

/** one x axis (seconds) for both series; a series is null where it has no point */
export function toSeries(h: History): [number[], (number | null)[], (number | null)[]] {
  const pts = new Map<number, [number | null, number | null]>();
  for (const o of h.observations) {
    if (!o.trusted) continue;
    const t = Math.round(Date.parse(o.at) / 1000);
    pts.set(t, [o.units, pts.get(t)?.[1] ?? null]);
  }
  for (const t of h.transactions) {
    if (t.after === null) continue;
    const s = Math.round(Date.parse(t.at) / 1000);
    pts.set(s, [pts.get(s)?.[0] ?? null, t.after]);
  }
  const xs = [...pts.keys()].sort((a, b) => a - b);
  return [xs, xs.map((x) => pts.get(x)![0]), xs.map((x) => pts.get(x)![1])];
}

/** the period is fixed to the one asked for (a single point would otherwise stretch the axis over years) */
export function drawLevelChart(
  el: HTMLElement,
  h: History,
  width: number,
  period: { from: Date; to: Date; parLevel?: number; now?: Date },
): () => void {
  const data = toSeries(h);
  const top = Math.max(1, period.parLevel ?? 0, ...data[1].map((v) => v ?? 0), ...data[2].map((v) => v ?? 0)) * 1.15;
  const axis = { stroke: '#a3b0bd', grid: { stroke: '#2c3744' }, ticks: { stroke: '#2c3744' } };
  const plot = new uPlot(
    {
      width,
      height: 260,
      scales: { x: { time: true, range: () => [period.from.getTime() / 1000, period.to.getTime() / 1000] }, y: { range: () => [0, top] } },
      axes: [axis, { ...axis, label: 'bottles' }],
      // today stays in sight: shaded from midnight, drawn under the series
      hooks: { drawClear: [(u: uPlot) => markToday(u, period.now ?? new Date())] },
      // points always drawn: uPlot hides them where points sit close together, so a count made minutes
      // ago, alone in its series, would not show at all
      series: [
        {},
        { label: 'Camera', stroke: '#f0b35a', width: 2, spanGaps: true, points: { show: true, size: 4 } },
        { label: 'Counts & movements', stroke: '#79b8ff', width: 2, spanGaps: true, points: { show: true, size: 6, fill: '#79b8ff' } },
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

/** today, from midnight to the right edge, faintly shaded and labelled; the points stay on top */
function markToday(u: uPlot, now: Date): void {
  const midnight = new Date(now);
  midnight.setHours(0, 0, 0, 0);
  const { left, top, width, height } = u.bbox;
  const x = Math.max(left, Math.round(u.valToPos(midnight.getTime() / 1000, 'x', true)));
  if (x >= left + width) return;
  const ctx = u.ctx;
  ctx.save();
  ctx.fillStyle = '#79b8ff14';
  ctx.fillRect(x, top, left + width - x, height);
  ctx.strokeStyle = '#a3b0bd';
  ctx.setLineDash([4, 4]);
  ctx.beginPath();
  ctx.moveTo(x, top);
  ctx.lineTo(x, top + height);
  ctx.stroke();
  ctx.fillStyle = '#a3b0bd';
  ctx.font = `${Math.round(11 * devicePixelRatio)}px system-ui, sans-serif`;
  // beside the line, or before it where today is too narrow to hold the word
  const w = ctx.measureText('today').width;
  const pad = 4 * devicePixelRatio;
  ctx.fillText('today', x + pad + w <= left + width ? x + pad : x - pad - w, top + 12 * devicePixelRatio);
  ctx.restore();
}

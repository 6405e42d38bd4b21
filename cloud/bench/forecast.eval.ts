/**
 * `npm run eval:forecast [-- --seed 1 --daily 60 --weekly 40 --timing 200]`:
 * simulated bar sales with a held-out tail; MASE, WAPE and 80/95 % interval
 * coverage per model and for the per-series selection, and the time to fit and
 * backtest N daily series of two years on a worker pool (--timing 10000 for the full figure).
 */
import { parseArgs } from 'node:util';
import {
  ALL_MODELS,
  forecastSeries,
  naiveScale,
  seasonOf,
  fillUnknown,
  prepareSeries,
  type Model,
  type SeriesForecast,
} from '../src/forecast/models/index.js';
import { createLogger } from '@smartstock/runtime';
import { defaultPoolSize, ForecastRunner } from '../src/forecast/runner.js';
import { simulate, type SimSeries } from './forecast/simulate.js';
import { writeFigures } from './results.js';

const { values: args } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    daily: { type: 'string', default: '60' },
    weekly: { type: 'string', default: '40' },
    timing: { type: 'string', default: '100' },
    /** worker threads for the timing (default: one a core, as the service) */
    threads: { type: 'string' },
    /** also add the headline figures to bench-results/cloud.json (npm run bench) */
    bench: { type: 'boolean', default: false },
  },
});
const int = (name: string, v: string | undefined): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got "${v}"`);
  return n;
};
const seed = int('seed', args.seed);

interface Tally {
  mase: number[];
  absErr: number;
  actual: number;
  in80: number;
  in95: number;
  scored: number;
  picks: Map<string, number>;
}
const tally = (): Tally => ({ mase: [], absErr: 0, actual: 0, in80: 0, in95: 0, scored: 0, picks: new Map() });

function score(t: Tally, s: SimSeries, f: SeriesForecast): void {
  const prepared = prepareSeries(s.train, s.freq);
  const season = seasonOf(s.freq, prepared.values.length);
  const scale = naiveScale(fillUnknown(prepared.values, season), season);
  let abs = 0;
  let n = 0;
  s.test.forEach((a, i) => {
    const p = f.points[i];
    if (a === null || p === undefined) return;
    abs += Math.abs(p.mean - a);
    n += 1;
    t.actual += a;
    t.in80 += a >= p.lo80 && a <= p.hi80 ? 1 : 0;
    t.in95 += a >= p.lo95 && a <= p.hi95 ? 1 : 0;
  });
  t.absErr += abs;
  t.scored += n;
  if (scale > 0 && n > 0) t.mase.push(abs / n / scale);
  t.picks.set(f.model, (t.picks.get(f.model) ?? 0) + 1);
}

const horizonOf = (s: SimSeries): number => s.test.length;
const fmt = (v: number, d = 3): string => (Number.isFinite(v) ? v.toFixed(d) : '-');

/** name, the candidates (undefined: every model, selected per series), whether weather and events are given */
type Row = [string, Model[] | undefined, boolean?];
const ROWS: Row[] = [...ALL_MODELS.map((m): Row => [m.name, [m]]), ['selection', undefined], ['selection+weather', undefined, true]];

/** Each row's forecast of each series, fitted once and scored by group below. */
function fitAll(series: SimSeries[]): Map<string, Map<string, SeriesForecast>> {
  const out = new Map<string, Map<string, SeriesForecast>>();
  for (const [name, models, weather] of ROWS) {
    const byId = new Map<string, SeriesForecast>();
    for (const s of series) {
      const f = forecastSeries(s.train, {
        horizon: horizonOf(s),
        freq: s.freq,
        ...(models ? { models } : {}),
        ...(weather && s.regressors ? { regressors: s.regressors } : {}),
      });
      // a model that could not run on a series fell back: count it only where it ran itself
      if (!models || f.model === name) byId.set(s.id, f);
    }
    out.set(name, byId);
  }
  return out;
}

function report(label: string, series: SimSeries[], fits: Map<string, Map<string, SeriesForecast>>): Map<string, number> {
  const mase = new Map<string, number>();
  console.log(`\n${label}: ${series.length} series`);
  console.log('model            MASE    WAPE    cover80  cover95  series');
  for (const [name, models] of ROWS) {
    const t = tally();
    let fitted = 0;
    for (const s of series) {
      const f = fits.get(name)?.get(s.id);
      if (!f) continue;
      fitted += 1;
      score(t, s, f);
    }
    const m = t.mase.reduce((a, b) => a + b, 0) / t.mase.length;
    mase.set(name, m);
    mase.set(`${name} cover80`, (100 * t.in80) / t.scored);
    mase.set(`${name} cover95`, (100 * t.in95) / t.scored);
    const picks = models ? '' : '  picks ' + [...t.picks].map(([k, v]) => `${k}:${v}`).join(' ');
    console.log(
      `${name.padEnd(16)} ${fmt(m)}  ${fmt(t.absErr / t.actual)}  ${fmt((100 * t.in80) / t.scored, 1).padStart(6)}%  ${fmt((100 * t.in95) / t.scored, 1).padStart(6)}%  ${fitted}${picks}`,
    );
  }
  return mase;
}

const sims = simulate({ seed, dailyDays: 800, daily: int('daily', args.daily), weekly: int('weekly', args.weekly) });
const fits = fitAll(sims);
const groups: [string, SimSeries[], boolean][] = [
  ['daily, 800 days, 14 held out', sims.filter((s) => s.freq === 'D'), true],
  ['weekly, four years, 8 weeks held out', sims.filter((s) => s.freq === 'W'), true],
  ['intermittent sellers (daily and weekly)', sims.filter((s) => s.kind === 'intermittent'), false],
  ['all', sims, true],
];
console.log(`forecast eval, seed ${seed}`);
const figures: { figure: string; value: number; unit?: string; target?: string }[] = [];
for (const [label, group, verdict] of groups) {
  if (group.length === 0) continue;
  const m = report(label, group, fits);
  if (!verdict) continue;
  const sel = m.get('selection') ?? NaN;
  const sn = m.get('seasonal_naive') ?? NaN;
  const n1 = m.get('naive') ?? NaN;
  console.log(`selection / seasonal naive MASE: ${fmt(sel / sn)} (target ≤ 0.85); below naive lag-1: ${sel < n1 ? 'yes' : 'no'}`);
  const withWeather = m.get('selection+weather');
  if (withWeather !== undefined && Number.isFinite(withWeather))
    console.log(`selection with weather and events / without, MASE: ${fmt(withWeather / sel)} (daily series only are given them)`);
  if (label === 'all') {
    figures.push(
      { figure: 'forecast: selection / seasonal naive MASE (simulator)', value: sel / sn, target: '≤ 0.85' },
      { figure: 'forecast: selection / naive lag-1 MASE (simulator)', value: sel / n1, target: '< 1' },
      { figure: 'forecast: 80 % interval coverage', value: m.get('selection cover80') ?? NaN, unit: '%', target: '80 ± 5' },
      { figure: 'forecast: 95 % interval coverage', value: m.get('selection cover95') ?? NaN, unit: '%', target: '95 ± 3' },
    );
  }
}

const timingN = int('timing', args.timing);
if (timingN > 0) await timeFits(timingN);

/**
 * Fit + backtest of N daily series of two years on the service's worker pool (one
 * thread a core), wall and CPU time; the CPU time is the figure to compare on a busy machine.
 */
async function timeFits(n: number): Promise<void> {
  const timing = simulate({ seed: seed + 1, daily: n, weekly: 0 });
  const threads = int('threads', args.threads ?? String(defaultPoolSize()));
  const runner = new ForecastRunner(createLogger('forecast-eval'), Math.max(1, threads));
  // start every thread (and its module load) before the clock
  await Promise.all(
    Array.from({ length: runner.size }, () => runner.fit([{ date: '2024-01-01', quantity: 1 }], { horizon: 1, freq: 'D' })),
  );
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let done = 0;
  await Promise.all(
    timing.map(async (s) => {
      await runner.fit(s.train, { horizon: 14, freq: 'D' });
      done += 1;
      if (n >= 1000 && done % 500 === 0) process.stderr.write(`\rtiming ${done}/${n}`);
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await runner.close();
  if (n >= 1000) process.stderr.write('\n');
  const cpuMs = (cpu.user + cpu.system) / 1000 / n;
  figures.push(
    { figure: 'forecast: fit + backtest, one daily series of two years (CPU)', value: cpuMs, unit: 'ms' },
    {
      figure: `forecast: fit + backtest of 10,000 daily series of two years, ${runner.size} threads`,
      value: (secs * 10_000) / n,
      unit: 's',
      target: '≤ 30',
    },
  );
  console.log(
    `\nfit + backtest of ${n} daily series of two years (${runner.size} worker threads): ${secs.toFixed(1)} s wall, ${((1000 * secs) / n).toFixed(2)} ms a series; CPU ${cpuMs.toFixed(2)} ms a series; 10,000 would take ~${((secs * 10_000) / n).toFixed(0)} s`,
  );
}

if (args.bench) {
  const command = `npm run eval:forecast -- --seed ${seed} --daily ${args.daily} --weekly ${args.weekly} --timing ${args.timing}`;
  writeFigures(
    'forecast: ',
    figures.map((f) => ({ ...f, command })),
  );
}

/**
 * `npx tsx cloud/bench/forecast/profile.ts [n]`: one thread fits and backtests n daily series of two
 * years (as the timing of eval:forecast) and prints CPU ms a series and where the time goes.
 */
import { forecastSeries } from '../../src/forecast/models/index.js';
import { profile } from '../cpu-profile.js';
import { simulate } from './simulate.js';

const n = Number(process.argv[2] ?? 500);
const series = simulate({ seed: 2, daily: n, weekly: 0 });
// warm the JIT on a few first
for (const s of series.slice(0, 20)) forecastSeries(s.train, { horizon: 14, freq: 'D' });
const cpu0 = process.cpuUsage();
const { areas, functions } = await profile(async () => {
  for (const s of series) forecastSeries(s.train, { horizon: 14, freq: 'D' });
}, 20);
const cpu = process.cpuUsage(cpu0);
console.log(`${n} series: CPU ${((cpu.user + cpu.system) / 1000 / n).toFixed(2)} ms a series (profiler on)`);
console.log(areas.map((a) => `${a.percent.toFixed(1).padStart(5)}%  ${a.where}`).join('\n'));
console.log(functions.map((a) => `${a.percent.toFixed(1).padStart(5)}%  ${a.where}`).join('\n'));

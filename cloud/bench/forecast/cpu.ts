/**
 * `npx tsx cloud/bench/forecast/cpu.ts [n] [root]`: CPU ms a series to fit and backtest n daily series
 * of two years on this thread (the eval's timing without the pool); `root` points at another checkout's
 * cloud/ to time it on the same series back to back.
 */
import type * as Models from '../../src/forecast/models/index.js';

const n = Number(process.argv[2] ?? 300);
const root = process.argv[3] ?? new URL('../..', import.meta.url).pathname;
const { forecastSeries } = (await import(`${root}/src/forecast/models/index.ts`)) as typeof Models;
const { simulate } = await import('./simulate.js');
const series = simulate({ seed: 2, daily: n, weekly: 0 });
for (const s of series.slice(0, 20)) forecastSeries(s.train, { horizon: 14, freq: 'D' });
const cpu0 = process.cpuUsage();
for (const s of series) forecastSeries(s.train, { horizon: 14, freq: 'D' });
const cpu = process.cpuUsage(cpu0);
console.log(`${root}: ${((cpu.user + cpu.system) / 1000 / n).toFixed(2)} ms CPU a series (${n} series)`);

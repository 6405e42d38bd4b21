/**
 * `npm run forecast -- --input sales.csv --horizon 8 --freq W --out forecast.csv`:
 * the service's forecaster (models/forecastSeries) on anyone's own sales.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { forecastSeries, type Freq } from '../models/index.js';
import { CsvError, FORECAST_HEADER, forecastRows, parseSalesCsv } from './csv.js';

const USAGE = 'usage: npm run forecast -- --input sales.csv --horizon 8 --freq W|D --out forecast.csv';

function fail(message: string, code = 2): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function main(): void {
  let args;
  try {
    args = parseArgs({
      options: {
        input: { type: 'string' },
        horizon: { type: 'string', default: '8' },
        freq: { type: 'string', default: 'W' },
        out: { type: 'string' },
      },
    }).values;
  } catch (e) {
    fail(`${(e as Error).message}\n${USAGE}`);
  }
  if (!args.input) fail(`--input is required\n${USAGE}`);
  if (!args.out) fail(`--out is required\n${USAGE}`);
  const horizon = Number(args.horizon);
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > 366)
    fail(`--horizon must be a whole number from 1 to 366, got "${args.horizon}"`);
  const freq = args.freq?.toUpperCase();
  if (freq !== 'D' && freq !== 'W') fail(`--freq must be D (daily) or W (weekly), got "${args.freq}"`);

  let text: string;
  try {
    text = readFileSync(args.input, 'utf8');
  } catch (e) {
    fail(`cannot read --input ${args.input}: ${(e as Error).message}`);
  }
  let series;
  try {
    series = parseSalesCsv(text);
  } catch (e) {
    if (e instanceof CsvError) fail(`${args.input}:\n${e.message}`);
    throw e;
  }

  const rows = [FORECAST_HEADER];
  const progress = series.size >= 20;
  let done = 0;
  const t0 = Date.now();
  for (const [id, points] of series) {
    let f;
    try {
      f = forecastSeries(points, { horizon, freq: freq as Freq });
    } catch (e) {
      fail(`series ${id}: ${(e as Error).message}`);
    }
    rows.push(...forecastRows(id, f.points, f.model));
    if (f.reasons.length > 0) process.stderr.write(`${progress ? '\n' : ''}series ${id}: ${f.reasons.join('; ')}\n`);
    done += 1;
    if (progress) {
      const secs = (Date.now() - t0) / 1000;
      const left = (secs / done) * (series.size - done);
      process.stderr.write(`\rforecast ${done}/${series.size} series, ${secs.toFixed(0)} s, ~${left.toFixed(0)} s left `);
    }
  }
  if (progress) process.stderr.write('\n');
  writeFileSync(args.out, `${rows.join('\n')}\n`);
  process.stderr.write(`wrote ${rows.length - 1} rows for ${series.size} series to ${args.out}\n`);
}

main();

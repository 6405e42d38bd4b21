import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSalesCsv } from '../../src/forecast/cli/csv.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'forecast-cli-'));

function run(csv: string, ...extra: string[]): { code: number | null; stderr: string; out: string } {
  const input = join(dir, `in-${Math.random().toString(36).slice(2)}.csv`);
  const out = `${input}.out.csv`;
  writeFileSync(input, csv);
  const r = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), ['cloud/src/forecast/cli/main.ts', '--input', input, '--out', out, ...extra], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  let text = '';
  try {
    text = readFileSync(out, 'utf8');
  } catch {
    // no output written: the test looks at stderr
  }
  return { code: r.status, stderr: r.stderr, out: text };
}

const weekly = (id: string, weeks: number, f: (w: number) => number): string[] =>
  Array.from(
    { length: weeks },
    (_, w) => `${id},${new Date(Date.UTC(2022, 0, 3) + w * 7 * 86_400_000).toISOString().slice(0, 10)},${f(w)}`,
  );

describe('npm run forecast', () => {
  it('forecasts each series of a good weekly CSV, 8 rows each, in the documented columns', () => {
    const csv = [
      'series_id,date,quantity',
      ...weekly('gin', 120, (w) => 20 + (w % 52 < 4 ? 15 : 0) + (w % 3)),
      ...weekly('rum', 3, () => 2),
    ].join('\n');
    const r = run(csv, '--horizon', '8', '--freq', 'W');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toBe('series_id,date,mean,lo80,hi80,lo95,hi95,model');
    expect(lines).toHaveLength(1 + 16);
    expect(lines[1]).toMatch(/^gin,2024-04-22,/);
    for (const l of lines.slice(1)) {
      const [, , ...rest] = l.split(',');
      const nums = rest.slice(0, 5).map(Number);
      expect(nums.every(Number.isFinite)).toBe(true);
      const [mean = 0, lo80 = 0, hi80 = 0, lo95 = 0, hi95 = 0] = nums;
      expect(lo95 <= lo80 && lo80 <= mean && mean <= hi80 && hi80 <= hi95).toBe(true);
    }
    expect(r.stderr).toMatch(/series rum: history of 3 period\(s\) is too short to backtest: mean with wide bounds/);
  });

  it('names the line and column of each bad row, writes nothing, exits 2', () => {
    const csv = ['series_id,date,quantity', 'gin,2024-01-01,3', 'gin,01/08/2024,4', 'gin,2024-01-15,four', ',2024-01-22,1'].join('\n');
    const r = run(csv, '--freq', 'W');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.stderr).toContain('line 3, column date: date "01/08/2024" is not a calendar date in YYYY-MM-DD form');
    expect(r.stderr).toContain('line 4, column quantity: "four" is not a number');
    expect(r.stderr).toContain('line 5, column series_id: empty');
  });

  it('refuses a bad flag by name', () => {
    expect(run('series_id,date,quantity\na,2024-01-01,1', '--freq', 'M').stderr).toContain(
      '--freq must be D (daily) or W (weekly), got "M"',
    );
    expect(run('series_id,date,quantity\na,2024-01-01,1', '--horizon', '0').stderr).toContain('--horizon must be a whole number');
  });
});

describe('parseSalesCsv', () => {
  it('reads quoted fields and a BOM, columns in any order', () => {
    const s = parseSalesCsv('\uFEFFdate,quantity,series_id\r\n2024-01-01,2,"Gin, Tanqueray"\r\n');
    expect([...s]).toEqual([['Gin, Tanqueray', [{ date: '2024-01-01', quantity: 2 }]]]);
  });

  it('a header without the columns is an error on line 1', () => {
    expect(() => parseSalesCsv('id,day,qty\n')).toThrow(
      'line 1, column series_id, date, quantity: header must name series_id,date,quantity',
    );
  });
});

/**
 * `npm run bench`: runs every workspace's benchmark, then prints one table of
 * every figure with the command behind it, and writes it all to
 * bench-results/summary.json so a slowdown shows up in a diff.
 *
 * Each workspace bench writes bench-results/<workspace>.json as
 * { "rows": [{ "figure", "value", "unit", "target"?, "command" }] }.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

export interface BenchRow {
  figure: string;
  value: number | string;
  unit?: string;
  target?: string;
  command: string;
}

const WORKSPACES = ['protocol', 'models', 'edge-agent', 'cloud', 'dashboard', 'provisioning'];
const { values } = parseArgs({ options: { only: { type: 'string' }, 'no-run': { type: 'boolean', default: false } } });
const selected = values.only ? values.only.split(',') : WORKSPACES;
const dir = new URL('../bench-results/', import.meta.url);
mkdirSync(dir, { recursive: true });

const failed: string[] = [];
for (const ws of selected) {
  const pkg = JSON.parse(readFileSync(new URL(`../${ws}/package.json`, import.meta.url), 'utf8')) as { scripts?: Record<string, string> };
  if (!pkg.scripts?.bench || values['no-run']) continue;
  process.stdout.write(`\n==> npm run bench -w ${ws}\n`);
  const r = spawnSync('npm', ['run', 'bench', '-w', ws], { stdio: 'inherit' });
  if (r.status !== 0) failed.push(ws);
}

const all: (BenchRow & { workspace: string })[] = [];
for (const ws of selected) {
  const file = new URL(`${ws}.json`, dir);
  if (!existsSync(file)) continue;
  const { rows } = JSON.parse(readFileSync(file, 'utf8')) as { rows: BenchRow[] };
  all.push(...rows.map((r) => ({ workspace: ws, ...r })));
}

const fmt = (v: number | string) => (typeof v === 'number' ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3)) : v);
const table = all.map((r) => [r.workspace, r.figure, `${fmt(r.value)}${r.unit ? ` ${r.unit}` : ''}`, r.target ?? '', r.command]);
const head = ['part', 'figure', 'value', 'target', 'command'];
const widths = head.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
process.stdout.write(`\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${table.map(line).join('\n')}\n`);
writeFileSync(new URL('summary.json', dir), JSON.stringify({ at: new Date().toISOString(), rows: all }, null, 2) + '\n');
process.stdout.write(`\nwrote bench-results/summary.json (${all.length} figures)\n`);
if (failed.length) {
  process.stderr.write(`benchmarks that failed: ${failed.join(', ')}\n`);
  process.exit(1);
}

// Prints the gzipped size of the JavaScript a first visit downloads: the entry
// script and its modulepreloads as listed in dist/index.html. Lazy chunks (the
// chart, the barcode fallback) are listed separately and do not count.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const dist = new URL('../dist/', import.meta.url).pathname;
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const first = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
const gz = (f) => gzipSync(readFileSync(join(dist, f)), { level: 9 }).length;
const kb = (n) => (n / 1024).toFixed(1);
const firstBytes = first.reduce((s, f) => s + gz(f), 0);
const lazy = readdirSync(join(dist, 'assets'))
  .filter((f) => f.endsWith('.js') && !first.includes(`assets/${f}`))
  .map((f) => `assets/${f}`);
for (const f of first) console.log(`first-load  ${kb(gz(f)).padStart(7)} KB  ${f}`);
for (const f of lazy) console.log(`lazy        ${kb(gz(f)).padStart(7)} KB  ${f}`);
console.log(`dashboard first-load JS (gzip): ${kb(firstBytes)} KB (budget 150 KB)`);
if (firstBytes > 150 * 1024) process.exitCode = 1;
// the table of `npm run bench`; the first-load bench adds its rows after this one
const results = new URL('../../bench-results/', import.meta.url);
mkdirSync(results, { recursive: true });
const row = {
  figure: 'first-load JS (gzip)',
  value: Number(kb(firstBytes)),
  unit: 'KB',
  target: '≤ 150 KB',
  command: 'npm run bench -w dashboard',
};
writeFileSync(new URL('dashboard.json', results), JSON.stringify({ rows: [row] }, null, 2) + '\n');

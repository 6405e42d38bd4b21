/** How fast observations become ≤128 KB MQTT payloads, next to a bare JSON.stringify of the same list. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { encodeBatch } from '../src/batch.js';
import { makeObservation } from '../src/testing.js';

const N = 100_000;
const obs = Array.from({ length: N }, (_, i) => makeObservation({ slotId: `slot-${i % 50}` }));
const time = (fn: () => void) => {
  fn(); // warm up
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
};
let payloads = 0;
const encodeMs = time(() => (payloads = encodeBatch('bar-1', obs, { firstSeq: 0 }).length));
const bareMs = time(() => void obs.map((o) => JSON.stringify(o)));
const rows = [
  { figure: 'encodeBatch observations/s', value: Math.round(N / (encodeMs / 1000)), unit: 'obs/s', command: 'npm run bench -w protocol' },
  {
    figure: 'encodeBatch / bare JSON.stringify',
    value: bareMs / encodeMs,
    unit: '×',
    target: '≥ 0.5',
    command: 'npm run bench -w protocol',
  },
  { figure: 'payloads for 100k observations', value: payloads, unit: 'payloads', command: 'npm run bench -w protocol' },
];
console.table(rows.map(({ figure, value, unit }) => ({ figure, value, unit })));
const dir = new URL('../../bench-results/', import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL('protocol.json', dir), JSON.stringify({ rows }, null, 2) + '\n');

/**
 * npm run bench -w edge-agent: the figures of the edge agent issue, measured in one run.
 * Writes bench-results/edge-agent.json ({ rows: [...] }) for the top-level table.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { TOPICS } from '@smartstock/protocol';
import { makeObservation } from '@smartstock/protocol/testing';
import { startAgent } from '../src/index.js';
import { Outbox } from '../src/store/outbox.js';
import { makePki, startTlsBroker, subscriber } from '../test/helpers/broker.js';
import { testAgentConfig } from '../test/helpers/agent-config.js';
import { cameras, nullVision } from './cameras.js';

const COMMAND = 'npm run bench -w edge-agent';
const quick = process.argv.includes('--quick');
/** `--only=cameras` runs one section; `--cameras=16,32` picks the camera counts; `--modes=raw` one way of feeding the models. */
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const only = arg('only');
const counts = arg('cameras')?.split(',').map(Number) ?? (quick ? [1, 4] : [1, 16, 32]);
const modes = (arg('modes')?.split(',') ?? ['jpeg', 'raw']) as ('jpeg' | 'raw')[];
const rows: { figure: string; value: number | string; unit?: string; target?: string; command: string }[] = [];
const row = (figure: string, value: number | string, unit?: string, target?: string) => {
  rows.push({ figure, value, ...(unit ? { unit } : {}), ...(target ? { target } : {}), command: COMMAND });
  process.stdout.write(`  ${figure}: ${typeof value === 'number' ? value.toFixed(2) : value}${unit ? ` ${unit}` : ''}\n`);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function outbox(): Promise<void> {
  process.stdout.write('outbox (synchronous=FULL, WAL, same disk)\n');
  const N = quick ? 20_000 : 50_000;
  const B = 100; // observations per commit: about one frame's worth of slots at a busy bar
  const obs = Array.from({ length: N }, (_, i) => makeObservation({ slotId: `s-${i % 60}` }));
  const dir = mkdtempSync(join(tmpdir(), 'ss-bench-outbox-'));
  const box = new Outbox({ dir, maxRows: 10_000_000, maxBytes: 1e12, synchronous: 'full' });
  let t0 = performance.now();
  for (let i = 0; i < N; i += B) box.append(obs.slice(i, i + B));
  const outboxRate = N / ((performance.now() - t0) / 1000);
  box.close();
  const db = new Database(join(dir, 'raw.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE t (rowid INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, body TEXT NOT NULL)');
  const ins = db.prepare('INSERT INTO t (id, body) VALUES (?, ?)');
  const tx = db.transaction((batch: typeof obs) => {
    for (const o of batch) ins.run(o.id, JSON.stringify(o));
  });
  t0 = performance.now();
  for (let i = 0; i < N; i += B) tx(obs.slice(i, i + B));
  const rawRate = N / ((performance.now() - t0) / 1000);
  db.close();
  row(`outbox append (${B} rows/commit)`, outboxRate, 'rows/s');
  row(`raw better-sqlite3 batched insert (${B} rows/commit)`, rawRate, 'rows/s');
  row('outbox / raw', outboxRate / rawRate, '×', '≥ 0.5');
}

async function drain(): Promise<void> {
  process.stdout.write('drain a 100,000-observation backlog to a local TLS broker (≤ 10 publishes/s)\n');
  const pki = makePki();
  const broker = await startTlsBroker(pki);
  const config = testAgentConfig(pki, broker.url, 'bench-drain', { health: { enabled: false }, logLevel: 'error' });
  const N = 100_000;
  const box = new Outbox({ dir: config.dataDir, maxRows: 10_000_000, maxBytes: 1e12, synchronous: 'full' });
  for (let i = 0; i < N; i += 1000) box.append(Array.from({ length: 1000 }, (_, j) => makeObservation({ slotId: `s-${(i + j) % 60}` })));
  box.close();
  const cloud = await subscriber(pki, broker.url, [TOPICS.obs('bench-drain')]);
  const t0 = performance.now();
  const agent = await startAgent(config, { vision: nullVision });
  while (agent.outbox.depth > 0 && performance.now() - t0 < 180_000) await sleep(100);
  const secs = (performance.now() - t0) / 1000;
  const payloads = cloud.messages.length;
  row('100k backlog drained', agent.outbox.depth === 0 ? secs : `not drained after ${secs.toFixed(0)} s`, 's', '≤ 60 s');
  row('payloads for the backlog', payloads, 'payloads');
  await agent.stop();
  await cloud.close();
  await broker.stop();
}

process.stdout.write(
  `edge-agent bench on ${cpus().length} CPU(s), load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}\n`,
);
if (!only || only === 'outbox') await outbox();
if (!only || only === 'drain') await drain();
if (!only || only === 'cameras') await cameras(row, { counts, modes, windowMs: quick ? 12_000 : 24_000 });
const dir = new URL('../../bench-results/', import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL('edge-agent.json', dir), JSON.stringify({ at: new Date().toISOString(), rows }, null, 2) + '\n');
console.table(
  rows.map(({ figure, value, unit, target }) => ({
    figure,
    value: typeof value === 'number' ? Number(value.toPrecision(4)) : value,
    unit,
    target,
  })),
);
process.exit(0);

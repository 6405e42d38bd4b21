/**
 * `npm run bench:fleet [-- --devices 1000 --dashboards 500 --rows mosquitto-2,mosquitto-1,aedes
 *   --burst 8 --seconds 20 --idle-seconds 60 --queue-seconds 120]`: a fleet of edge boxes with real certificates against real brokers and
 * cloud processes on PostgreSQL (BENCH_DATABASE_URL, default the machine's; a fresh database a row).
 * For each row: sustained observations/s (a burst of every device's heartbeats, published → last
 * commit; after every camera has reported once, so they are unchanged and the cloud folds most; then a
 * burst of as many changes, every one a row, with the heartbeat each slot last folded: --burst-kind), then at half that rate p50/p99 publish → committed (of what was published then) and p99 commit → dashboard WebSocket
 * with `dashboards` sockets open, and CPU and memory of the broker, the clouds and PostgreSQL's
 * backends; the bare UNNEST ceiling of the same run and the ratio. Prints, writes
 * bench-results/fleet.json, asserts nothing. Everything on loopback; every wait is bounded.
 * FLEET_SQL_PROFILE=/tmp/p: each cloud also times its statements, one line of totals a second in
 * /tmp/p.<pid>.jsonl (sql-profile.mjs): the difference of two lines is a phase's statements, calls and ms.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { BurstKind, ChildCommand, ChildEvent } from './devices-child.js';
import { fleetLayout, slotCount } from './layout.js';
import { unnestCeiling } from './ceiling.js';
import { CommitWatch, Dashboards, ProcWatch, pct, wall, type Usage } from './measure.js';
import { queueIdle } from './queue.js';
import { createFleetDb, OWNER } from './seed.js';
import { startRowStack, type BrokerKind } from './stack.js';

const COMMAND = 'npm run bench:fleet';
const { values: a } = parseArgs({
  options: {
    devices: { type: 'string', default: '1000' },
    dashboards: { type: 'string', default: '500' },
    rows: { type: 'string', default: 'mosquitto-2,mosquitto-1,aedes' },
    burst: { type: 'string', default: '8' },
    // heartbeat: every slot unchanged (the cloud folds them); change: every slot moved (every one a row)
    'burst-kind': { type: 'string', default: 'heartbeat,change' },
    seconds: { type: 'string', default: '20' },
    'ceiling-seconds': { type: 'string', default: '5' },
    // a burst's commits stop being waited for once none has come for this long
    'idle-seconds': { type: 'string', default: '60' },
    // the wait for the job queue's catch-up before measuring (bounded)
    'queue-seconds': { type: 'string', default: '120' },
  },
});
const N = Number(a.devices);
const loadAtStart = loadavg()[0]!.toFixed(2);
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const run = randomBytes(3).toString('hex');
const fleet = fleetLayout(N);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (s: string) => process.stdout.write(`[fleet ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
log(`${N} devices, ${fleet.reduce((n, d) => n + d.cameras.length, 0)} cameras, ${fleet.reduce((n, d) => n + slotCount(d), 0)} slots`);

/** The devices' process, driven one command at a time. */
function devices() {
  const child = fork(new URL('./devices-child.ts', import.meta.url), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const waiting: ((e: ChildEvent) => void)[] = [];
  child.on('message', (e: ChildEvent) => {
    if (e.ev === 'error') throw new Error(`devices: ${e.message}`);
    waiting.shift()?.(e);
  });
  return {
    pid: child.pid!,
    ask: <E extends ChildEvent>(c: ChildCommand, timeoutMs: number) =>
      new Promise<E>((res, rej) => {
        const t = setTimeout(() => rej(new Error(`devices did not answer ${c.cmd} within ${timeoutMs} ms`)), timeoutMs);
        waiting.push((e) => (clearTimeout(t), res(e as E)));
        child.send(c);
      }),
    kill: () => child.kill('SIGKILL'),
  };
}

/** Waits (bounded) until `want` observations have committed since `from`, or nothing more arrives for `idleMs`. */
async function committed(watch: CommitWatch, from: number, want: number, idleMs = Number(a['idle-seconds']) * 1000) {
  let last = -1;
  let since = performance.now();
  for (;;) {
    await watch.settle();
    const got = watch.observationsSince(from);
    if (got.obs >= want) return got;
    if (got.obs !== last) [last, since] = [got.obs, performance.now()];
    else if (performance.now() - since > idleMs) return got;
    await sleep(200);
  }
}

interface Burst {
  kind: BurstKind;
  sustained: number;
  lost: number;
  /**
   * observations committed in the burst, and the rows of observations it wrote: fewer for heartbeats (folded),
   * more for changes after them (each stores the heartbeat its slot last folded, with it)
   */
  committed: number;
  rows: number;
  usage: Record<'broker' | 'cloud' | 'postgres' | 'devices', Usage>;
}

interface RowResult {
  row: string;
  bursts: Burst[];
  p50: number;
  p99: number;
  /** the clouds' CPU while paced, per observation committed then (µs) */
  pacedCloudUs: number;
  ws99: number;
  wsMessages: number;
  paced: number;
  wills: string;
  connectS: number;
  queueS: number;
  queuePending: number;
}

async function runRow(row: string): Promise<RowResult> {
  const [broker, n] = row.split('-') as [BrokerKind, string?];
  const db = await createFleetDb(serverUrl, `ss_fleet_${run}_${row.replace('-', '_')}`, fleet);
  const stack = await startRowStack(broker, Number(n ?? 1), db.url, run);
  const dev = devices();
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const watch = await CommitWatch.start(db.url);
  const dash = new Dashboards();
  try {
    const login = await fetch(`${stack.clouds[0]!.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(OWNER),
    });
    const token = ((await login.json()) as { accessToken: string }).accessToken;
    await dash.open(
      stack.clouds.map((c) => c.url),
      token,
      db.venueIds,
      Number(a.dashboards),
    );
    const conn = await dev.ask<Extract<ChildEvent, { ev: 'connected' }>>(
      { cmd: 'connect', brokerUrl: stack.brokerUrl, protocolVersion: stack.protocolVersion, devices: fleet, statusSeconds: 60 },
      600_000,
    );
    log(`${row}: ${conn.n} devices connected in ${(conn.ms / 1000).toFixed(1)} s, ${dash.open_} dashboards open`);
    await sleep(3000); // the retained online statuses land
    // the catch-up a fresh cloud queues (a variance job per venue) runs before the burst, not during it
    const queue = await queueIdle(db.url, Number(a['queue-seconds']) * 1000);
    log(
      `${row}: job queue ${queue.pending ? `still had ${queue.pending} pending jobs` : 'idle'} after ${(queue.ms / 1000).toFixed(1)} s (${queue.jobs} jobs queued so far)`,
    );

    const procs = {
      broker: new ProcWatch(() => (stack.brokerPid ? [stack.brokerPid] : [])),
      cloud: new ProcWatch(() => stack.clouds.map((c) => c.proc.child.pid!)),
      postgres: new ProcWatch(async () =>
        (await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [db.name])).rows.map((r) => r.pid),
      ),
      devices: new ProcWatch(() => [dev.pid]),
    };
    // steady state first: every camera reports once, so the burst's heartbeats re-report readings the cloud has
    const warm = await dev.ask<Extract<ChildEvent, { ev: 'published' }>>(
      { cmd: 'burst', batchesPerDevice: Math.max(...fleet.map((d) => d.cameras.length)), kind: 'change' },
      600_000,
    );
    await committed(watch, warm.firstAt, warm.obs);
    // sustained: every device drains `burst` camera batches at once, of each kind asked
    const bursts: Burst[] = [];
    for (const kind of a['burst-kind'].split(',') as BurstKind[]) {
      for (const p of Object.values(procs)) await p.begin();
      const rowsBefore = await watch.storedRows();
      const burst = await dev.ask<Extract<ChildEvent, { ev: 'published' }>>(
        { cmd: 'burst', batchesPerDevice: Number(a.burst), kind },
        600_000,
      );
      const got = await committed(watch, burst.firstAt, burst.obs);
      const usage = Object.fromEntries(Object.entries(procs).map(([k, p]) => [k, p.end()])) as Burst['usage'];
      const rows = (await watch.storedRows()) - rowsBefore;
      const sustained = got.obs / ((got.lastAt - burst.firstAt) / 1000);
      bursts.push({ kind, sustained, lost: burst.obs - got.obs, committed: got.obs, rows, usage });
      log(
        `${row}: ${kind} burst ${burst.obs} obs in ${burst.batches} batches (${burst.errors} errors), committed ${got.obs} (${rows} rows): ${sustained.toFixed(0)} obs/s`,
      );
    }
    // paced at half the unfolded rate when it was measured: the rate a fleet whose readings all move can keep
    const sustained = (bursts.find((b) => b.kind === 'change') ?? bursts[0]!).sustained;

    // latency at half the sustained rate, dashboards watching
    const rate = Math.max(100, Math.round(sustained / 2));
    const from = wall();
    const wsFrom = dash.arrivals.length;
    await procs.cloud.begin();
    const paced = await dev.ask<Extract<ChildEvent, { ev: 'published' }>>(
      { cmd: 'paced', obsPerSecond: rate, seconds: Number(a.seconds) },
      600_000,
    );
    const pacedCommitted = await committed(watch, from, paced.obs);
    const pacedCloud = procs.cloud.end();
    await sleep(2000); // the last pushes reach the sockets
    const lat: number[] = [];
    // what was published while paced: a commit of what was published before is the previous phase's
    for (const c of watch.publishedSince(from)) for (let i = 0; i < c.obs; i++) lat.push(c.at - c.publishedAt);
    const ws = dash.arrivals.slice(wsFrom).flatMap(([cursor, at]) => {
      const c = watch.committedAt(cursor);
      return c === undefined ? [] : [at - c];
    });
    log(
      `${row}: paced ${paced.obs} obs at ${rate}/s offered, ${ws.length} dashboard messages, ` +
        `${dash.closedByCloud.length} dashboards closed by the cloud so far${dash.closedByCloud.length ? ` (codes ${[...new Set(dash.closedByCloud)].join(', ')})` : ''}`,
    );

    // power cuts: the broker publishes the retained will, the cloud marks the device offline
    const cut = Math.min(10, N);
    const wills = await dev.ask<Extract<ChildEvent, { ev: 'willsSent' }>>({ cmd: 'wills', count: cut }, 60_000);
    let offline = 0;
    for (let i = 0; i < 60 && offline < cut; i++) {
      await sleep(500);
      const q = new pg.Client({ connectionString: db.url });
      await q.connect();
      offline = (await q.query<{ n: number }>('SELECT count(*)::int AS n FROM devices WHERE id = ANY($1) AND NOT online', [wills.ids]))
        .rows[0]!.n;
      await q.end();
    }
    return {
      row: `${broker} × ${stack.clouds.length} cloud${stack.clouds.length > 1 ? 's' : ''}`,
      bursts,
      p50: pct(lat, 50),
      p99: pct(lat, 99),
      pacedCloudUs: (pacedCloud.cpuS / pacedCommitted.obs) * 1e6,
      ws99: pct(ws, 99),
      wsMessages: ws.length,
      paced: rate,
      wills: `${offline}/${cut}`,
      connectS: conn.ms / 1000,
      queueS: queue.ms / 1000,
      queuePending: queue.pending,
    };
  } finally {
    await dev.ask({ cmd: 'stop' }, 30_000).catch(() => dev.kill());
    dash.close();
    await watch.stop().catch(() => undefined);
    await admin.end();
    await stack.stop();
    await db.drop();
  }
}

// the ceiling first, on a quiet machine (as quiet as a shared one gets), in a database of its own
const ceilingDb = await createFleetDb(serverUrl, `ss_fleet_${run}_ceiling`, []);
const ceiling50 = await unnestCeiling(ceilingDb.url, 50, Number(a['ceiling-seconds']));
const ceiling = await unnestCeiling(ceilingDb.url, 1000, Number(a['ceiling-seconds']));
await ceilingDb.drop();
log(`bare UNNEST ceiling: ${ceiling50.toFixed(0)} rows/s in 50-row batches, ${ceiling.toFixed(0)} in 1,000-row batches`);

const results: RowResult[] = [];
for (const row of a.rows.split(',')) results.push(await runRow(row.trim()));

const r0 = (v: number) => Math.round(v);
const r1 = (v: number) => Number(v.toFixed(1));
interface Row {
  figure: string;
  value: number | string;
  unit?: string;
  target?: string;
}
const rows = (
  [
    { figure: `fleet: devices / dashboards`, value: `${N} / ${a.dashboards}` },
    { figure: 'load average (1 min), start / end of the run', value: `${loadAtStart} / ${loadavg()[0]!.toFixed(2)}` },
    { figure: 'bare UNNEST insert, 50-row batches', value: r0(ceiling50), unit: 'rows/s' },
    { figure: 'bare UNNEST insert, 1,000-row batches (ceiling)', value: r0(ceiling), unit: 'rows/s' },
    ...results.flatMap((r) => [
      { figure: `${r.row}: ${N} devices connected (mutual TLS, 16 at a time)`, value: r1(r.connectS), unit: 's' },
      {
        figure: `${r.row}: wait for the job queue's catch-up before measuring (jobs still pending)`,
        value: `${r1(r.queueS)} (${r.queuePending})`,
        unit: 's',
      },
      ...r.bursts.flatMap((b) => [
        {
          figure: `${r.row}: sustained ingest, ${b.kind} burst (${b.committed} obs, ${b.rows} rows written)`,
          value: r0(b.sustained),
          unit: 'obs/s',
        },
        {
          figure: `${r.row}: sustained / ceiling, ${b.kind} burst`,
          value: Number((b.sustained / ceiling).toFixed(2)),
          unit: 'ratio',
          target: '≥ 0.25',
        },
        { figure: `${r.row}: ${b.kind} burst observations not committed`, value: b.lost, unit: 'obs', target: '0' },
        {
          figure: `${r.row}: cloud (Node) CPU per observation, ${b.kind} burst`,
          value: r1((b.usage.cloud.cpuS / b.committed) * 1e6),
          unit: 'µs',
        },
        ...Object.entries(b.usage).map(([k, u]) => ({
          figure: `${r.row}: ${k} CPU / memory at sustained, ${b.kind} burst`,
          value: `${r0(u.cpuPct)} % / ${r0(u.rssMiB)} MiB`,
          unit: '% of one core / MiB',
        })),
      ]),
      { figure: `${r.row}: publish → committed p50 at ${r.paced} obs/s`, value: r1(r.p50), unit: 'ms' },
      { figure: `${r.row}: publish → committed p99 at ${r.paced} obs/s`, value: r1(r.p99), unit: 'ms', target: '≤ 250' },
      { figure: `${r.row}: cloud (Node) CPU per observation at ${r.paced} obs/s`, value: r1(r.pacedCloudUs), unit: 'µs' },
      { figure: `${r.row}: commit → dashboard WebSocket p99 (${r.wsMessages} messages)`, value: r1(r.ws99), unit: 'ms', target: '≤ 200' },
      { figure: `${r.row}: last wills → device offline`, value: r.wills },
    ]),
  ] as Row[]
).map((x) => ({ ...x, command: COMMAND }));
console.table(
  Object.fromEntries(rows.map(({ figure, value, unit, target }) => [figure, { value, unit: unit ?? '', target: target ?? '' }])),
);
process.stdout.write('Figures from a shared 2-core machine: other work competes for the CPUs, so read them as lower bounds.\n');
const dir = new URL('../../bench-results/', import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL('fleet.json', dir), JSON.stringify({ rows }, null, 2) + '\n');
process.exit(0);

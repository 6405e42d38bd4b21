/**
 * A Saturday night at the POS: signed Square webhooks for orders of 3 lines each, every
 * order fetched from a local stand-in of Square's Orders API and written as SALE rows by
 * recipe. On PostgreSQL (a private database on BENCH_DATABASE_URL's server, created and
 * dropped here) and on embedded PGlite, it prints and adds to bench-results/cloud.json:
 * - webhook → committed SALE rows, p50/p99, paced at BENCH_POS_RATE orders/s (default 28:
 *   50 venues × 2,000 orders an hour), the orders dealt in turn to BENCH_POS_VENUES bars (default
 *   50), each its own location and connection: a sale locks its items at its bar only, so one bar
 *   taking all 28 orders/s (BENCH_POS_VENUES=1) is the worst case, not a Saturday night;
 * - the sustained ceiling: orders/s (one signed event each) end to end with 16 webhooks in flight,
 *   and the same in SALE lines/s; beside it the acknowledgement ceiling (webhooks verified, recorded
 *   and answered 200 per second, the fetch and the ledger still queued), which bounds what a POS
 *   vendor sees however far behind the job queue runs.
 * Figures on a shared, loaded machine are lower bounds: read them beside the machine's load.
 * "Committed" is when a watcher on its own connection first sees the order applied.
 * Asserts nothing: speed is read from the figures.
 */
import pg from 'pg';
import { build, type TestCloud } from '../test/support/cloud.js';
import { FakeSquare, orderCreated } from '../test/pos/fake-square.js';
import { pct } from './load.js';
import { writeFigures } from './results.js';

const COMMAND = 'npm run bench -w cloud';
const RATE = Number(process.env.BENCH_POS_RATE ?? 28);
const PACED = Number(process.env.BENCH_POS_ORDERS ?? 280);
const BURST = Number(process.env.BENCH_POS_BURST ?? 300);
const VENUES = Number(process.env.BENCH_POS_VENUES ?? 50);
const TOKEN = 'bench-token';
const KEY = 'bench-signature-key';
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round1 = (v: number) => Math.round(v * 10) / 10;
const MENU = [
  ['SQ-MARG', 'Margarita', 'PATRON-750'],
  ['SQ-GT', 'Gin & Tonic', 'TANQ-750'],
  ['SQ-JAMO', 'Jameson', 'JAMESON-750'],
] as const;

interface Row {
  figure: string;
  value: number;
  unit: string;
  target?: string;
}

async function measure(label: string, t: TestCloud, square: FakeSquare, watch: (sql: string) => Promise<string[]>): Promise<Row[]> {
  const venueId = t.demo.venueId;
  for (const [key, name, sku] of MENU)
    await t.api('PUT', '/api/v1/recipes', {
      token: t.ownerToken,
      body: { venueId, kind: 'item', posKey: key, name, components: [{ itemId: t.demo.items[sku], quantity: 45 }] },
    });
  const conns: { id: string; webhookUrl: string }[] = [];
  for (let v = 0; v < VENUES; v++) {
    const loc = await t.api('POST', `/api/v1/venues/${venueId}/locations`, {
      token: t.ownerToken,
      body: { name: `Bar ${label} ${v + 1}` },
    });
    const c = await t.api('POST', '/api/v1/pos/connections', {
      token: t.ownerToken,
      body: {
        provider: 'square',
        venueId,
        locationId: (loc.body as { id: string }).id,
        credentials: { accessToken: TOKEN },
        webhookSignatureKey: KEY,
      },
    });
    conns.push(c.body as { id: string; webhookUrl: string });
  }
  let n = 0;
  /** notes the order in sent as the webhook goes out, so the watcher may see it applied before the answer */
  const send = async (sent: Map<string, number>) => {
    const id = `ORDER-${label}-${++n}`;
    const conn = conns[n % conns.length]!;
    const lines = MENU.map(([key, name], i) => ({ uid: `${id}-L${i}`, catalogId: key, name, qty: 1 + (i % 2), cents: 1200 }));
    const { body, headers } = orderCreated(square, { id, lines, signatureKey: KEY, webhookUrl: conn.webhookUrl });
    sent.set(id, performance.now());
    const res = await fetch(`${t.cloud.url}/api/v1/pos/square/webhook/${conn.id}`, {
      method: 'POST',
      headers,
      body,
    });
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  };
  /** waits until every order is applied, noting when the watcher first saw each */
  const committed = async (sent: Map<string, number>, total: number) => {
    const seen = new Map<string, number>();
    while (seen.size < total) {
      const ids = await watch(
        `SELECT order_id FROM pos_orders WHERE version >= 1 AND connection_id IN (${conns.map((c) => `'${c.id}'`).join(', ')})`,
      );
      const now = performance.now();
      for (const id of ids) if (sent.has(id) && !seen.has(id)) seen.set(id, now);
      await wait(5);
    }
    return seen;
  };

  // paced: the watcher runs from the first webhook on
  const sent = new Map<string, number>();
  const seenP = committed(sent, PACED);
  const t0 = performance.now();
  const posts: Promise<void>[] = [];
  for (let i = 0; i < PACED; i++) {
    const due = t0 + (i * 1000) / RATE;
    const now = performance.now();
    if (due > now) await wait(due - now);
    posts.push(send(sent));
  }
  await Promise.all(posts);
  const seen = await seenP;
  const latencies = [...sent].map(([id, at]) => seen.get(id)! - at);

  // burst: 16 in flight, until all applied
  const burstSent = new Map<string, number>();
  const burstSeen = committed(burstSent, BURST);
  const b0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < BURST) {
        next++;
        await send(burstSent);
      }
    }),
  );
  const ackSeconds = (performance.now() - b0) / 1000;
  await burstSeen;
  const burstSeconds = (performance.now() - b0) / 1000;
  return [
    {
      figure: `pos: webhook → SALE rows committed p50 at ${RATE} orders/s over ${VENUES} bars (${label})`,
      value: round1(pct(latencies, 50)),
      unit: 'ms',
    },
    {
      figure: `pos: webhook → SALE rows committed p99 at ${RATE} orders/s over ${VENUES} bars (${label})`,
      value: round1(pct(latencies, 99)),
      unit: 'ms',
      target: '≤ 200 ms',
    },
    {
      figure: `pos: sustained, 3-line orders end to end over ${VENUES} bars (${label})`,
      value: Math.round(BURST / burstSeconds),
      unit: 'orders/s',
    },
    {
      figure: `pos: sustained, SALE lines end to end over ${VENUES} bars (${label})`,
      value: Math.round((3 * BURST) / burstSeconds),
      unit: 'lines/s',
    },
    {
      figure: `pos: webhooks acknowledged, 16 in flight over ${VENUES} bars (${label})`,
      value: Math.round(BURST / ackSeconds),
      unit: 'events/s',
    },
  ];
}

const rows: Row[] = [];
const square = await new FakeSquare(TOKEN).start();
const pos = { squareApiUrl: square.url, fetchRetryDelaySeconds: 1 };
const jobs = { pollingIntervalSeconds: 2, maintenanceIntervalSeconds: 30 };
try {
  const dbName = `ss_bench_pos_${process.pid}`;
  const admin = new pg.Pool({ connectionString: serverUrl, max: 1 });
  await admin.query(`CREATE DATABASE ${dbName}`);
  const dbUrl = Object.assign(new URL(serverUrl), { pathname: `/${dbName}` }).toString();
  const watcher = new pg.Pool({ connectionString: dbUrl, max: 1 });
  const t = await build({ database: { url: dbUrl }, pos, jobs });
  try {
    rows.push(
      ...(await measure('PostgreSQL', t, square, async (sql) =>
        (await watcher.query<{ order_id: string }>(sql)).rows.map((r) => r.order_id),
      )),
    );
  } finally {
    await t.close();
    await watcher.end();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
  if (process.env.BENCH_POS_PGLITE !== '0') {
    const e = await build({ pos, jobs });
    try {
      rows.push(
        ...(await measure('PGlite', e, square, async (sql) =>
          (await e.cloud.db.query<{ order_id: string }>(sql)).rows.map((r) => r.order_id),
        )),
      );
    } finally {
      await e.close();
    }
  }
} finally {
  await square.close();
}

const out = rows.map((r) => ({ ...r, command: COMMAND }));
console.table(Object.fromEntries(out.map(({ figure, value, unit }) => [figure, { value, unit }])));
writeFigures('pos: ', out);

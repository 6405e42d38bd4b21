/**
 * Statements per POS order: signed Square webhooks of 3-line orders sent one at a time to one
 * bar, every statement the cloud sends to PostgreSQL counted (the watcher's excepted), from the
 * webhook to the committed SALE rows and the job's record. Prints the count per order and the
 * statements by kind, and the median and p90 of webhook → committed SALE rows with one order in flight
 * (no queueing: an order's own round trips and work; read beside the machine's load). A private database on BENCH_DATABASE_URL's server, created and dropped here.
 * Asserts nothing.
 */
import pg from 'pg';
import { build } from '../test/support/cloud.js';
import { FakeSquare, orderCreated } from '../test/pos/fake-square.js';

const ORDERS = Number(process.env.BENCH_POS_ORDERS ?? 30);
const TOKEN = 'bench-token';
const KEY = 'bench-signature-key';
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const WATCH = '/* watcher */';
const MENU = [
  ['SQ-MARG', 'Margarita', 'PATRON-750'],
  ['SQ-GT', 'Gin & Tonic', 'TANQ-750'],
  ['SQ-JAMO', 'Jameson', 'JAMESON-750'],
] as const;

let counting = false;
const seen = new Map<string, number>();
const query = pg.Client.prototype.query as (...a: unknown[]) => unknown;
pg.Client.prototype.query = function (this: pg.Client, ...a: unknown[]) {
  const text = typeof a[0] === 'string' ? a[0] : ((a[0] as { text?: string } | undefined)?.text ?? '');
  if (counting && !text.startsWith(WATCH)) {
    const kind = text.replace(/\s+/g, ' ').trim().slice(0, 90);
    seen.set(kind, (seen.get(kind) ?? 0) + 1);
  }
  return query.apply(this, a);
} as never;

const square = await new FakeSquare(TOKEN).start();
const dbName = `ss_bench_posstmt_${process.pid}`;
const admin = new pg.Pool({ connectionString: serverUrl, max: 1 });
await admin.query(`CREATE DATABASE ${dbName}`);
const dbUrl = Object.assign(new URL(serverUrl), { pathname: `/${dbName}` }).toString();
const watcher = new pg.Pool({ connectionString: dbUrl, max: 1 });
const t = await build({
  database: { url: dbUrl },
  pos: { squareApiUrl: square.url, fetchRetryDelaySeconds: 1 },
  jobs: { pollingIntervalSeconds: 60, maintenanceIntervalSeconds: 600 },
});
try {
  const venueId = t.demo.venueId;
  for (const [key, name, sku] of MENU)
    await t.api('PUT', '/api/v1/recipes', {
      token: t.ownerToken,
      body: { venueId, kind: 'item', posKey: key, name, components: [{ itemId: t.demo.items[sku], quantity: 45 }] },
    });
  const loc = await t.api('POST', `/api/v1/venues/${venueId}/locations`, { token: t.ownerToken, body: { name: 'Bar' } });
  const conn = (
    await t.api('POST', '/api/v1/pos/connections', {
      token: t.ownerToken,
      body: { provider: 'square', venueId, locationId: loc.body.id, credentials: { accessToken: TOKEN }, webhookSignatureKey: KEY },
    })
  ).body as { id: string; webhookUrl: string };
  const took: number[] = [];
  const send = async (n: number) => {
    const t0 = performance.now();
    const id = `ORDER-${n}`;
    const lines = MENU.map(([key, name], i) => ({ uid: `${id}-L${i}`, catalogId: key, name, qty: 1 + (i % 2), cents: 1200 }));
    const { body, headers } = orderCreated(square, { id, lines, signatureKey: KEY, webhookUrl: conn.webhookUrl });
    const res = await fetch(`${t.cloud.url}/api/v1/pos/square/webhook/${conn.id}`, {
      method: 'POST',
      headers,
      body,
    });
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
    await res.arrayBuffer();
    for (;;) {
      const { rows } = await watcher.query(`${WATCH} SELECT 1 FROM pos_orders WHERE order_id = $1 AND version >= 1`, [id]);
      if (rows.length) break;
      await new Promise((r) => setTimeout(r, 1));
    }
    took.push(performance.now() - t0);
    // the job's record of its run comes after the SALE rows
    await new Promise((r) => setTimeout(r, 50));
  };
  await send(0); // warm
  counting = true;
  for (let n = 1; n <= ORDERS; n++) await send(n);
  counting = false;
  const total = [...seen.values()].reduce((a, b) => a + b, 0);
  console.log(`statements per order: ${(total / ORDERS).toFixed(2)} (${ORDERS} orders of 3 lines, one bar)`);
  const sorted = took.slice(1).sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(1);
  console.log(`webhook → committed, one order in flight: p50 ${at(50)} ms, p90 ${at(90)} ms`);
  for (const [k, v] of [...seen].sort((a, b) => b[1] - a[1])) console.log(`${(v / ORDERS).toFixed(2).padStart(6)}  ${k}`);
} finally {
  // dropping the database ends the connections something still holds: not this count's concern
  process.on('uncaughtException', (e) => {
    if ((e as { code?: string }).code !== '57P01') throw e;
  });
  await t.close();
  await watcher.end();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  await square.close();
}

/**
 * Reads at fleet scale, on PostgreSQL (a private database on BENCH_DATABASE_URL's server, created
 * and dropped here), 10,000 items all stocked at one location. With autocannon in this process,
 * against a bare Fastify route of a second app in the same process, it prints and adds to
 * bench-results/cloud.json:
 * - req/s flat out (16 connections) of GET /api/v1/inventory/items (a page of 50), of
 *   GET /api/v1/inventory/locations/{id}/stock (all 10,000 levels, and a page of 50 of them) and of
 *   the bare route, and the ratios (BENCH_READ_ROUTES=items,stock,'stock page' picks some); each
 *   inventory route twice, without Accept-Encoding and with Chromium's `gzip, br` (key '<route> gzip-br');
 * - p99 latency when paced at 500 req/s (and the rate reached, where a route cannot keep it), and the CPU
 *   per request then (this process and the bench database's PostgreSQL backends; cpu-per-request.ts),
 *   with the ratio to the bare route's: on a machine others load, steadier than the req/s ratio;
 * and, for each inventory route, where the CPU went flat out (self time per package or file, top functions).
 * Measures only: asserts nothing.
 */
import autocannon from 'autocannon';
import Fastify from 'fastify';
import pg from 'pg';
import { ItemRepository } from '../src/inventory/item.repository.js';
import { StockRepository } from '../src/inventory/stock.repository.js';
import { build } from '../test/support/cloud.js';
import { profile, type CpuShare } from './cpu-profile.js';
import { cpuPerRequest } from './cpu-per-request.js';
import { writeFigures } from './results.js';

const COMMAND = 'npm run bench -w cloud';
const ITEMS = Number(process.env.BENCH_READ_ITEMS ?? 10_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const PACED_RATE = 500;
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `ss_bench_reads_${process.pid}`;
const items = ITEMS.toLocaleString('en');

interface Row {
  figure: string;
  value: number;
  unit: string;
  target?: string;
}

const run = async (url: string, headers: Record<string, string>, o: { rate?: number; seconds?: number } = {}) => {
  const r = await autocannon({
    url,
    headers,
    connections: 16,
    duration: o.seconds ?? SECONDS,
    timeout: 60,
    ...(o.rate ? { overallRate: o.rate } : {}),
  });
  // autocannon leaves its in-flight requests behind: one more waits behind them, so the next run starts on an idle server
  await fetch(url, { headers }).then((res) => res.arrayBuffer());
  return r;
};

// completed requests over the run: a slow route may finish none in some one-second windows
const rate = (r: autocannon.Result) => Math.round((10 * r.requests.total) / r.duration) / 10;

async function alone(url: string, headers: Record<string, string>, n = 5): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { headers });
    await res.arrayBuffer();
    ms.push(performance.now() - t0);
  }
  return Math.round(ms.sort((a, b) => a - b)[Math.floor(n / 2)]! * 10) / 10;
}

const admin = new pg.Pool({ connectionString: serverUrl, max: 1 });
await admin.query(`CREATE DATABASE ${dbName}`);
const dbUrl = Object.assign(new URL(serverUrl), { pathname: `/${dbName}` }).toString();
// the limiter runs on every request as in production, but a fast route flat out makes more than the test build's 100,000 a minute
const t = await build({ database: { url: dbUrl }, rateLimit: { max: 1_000_000_000, windowSeconds: 60 } });
const bare = Fastify();
try {
  const orgId = t.demo.orgId;
  const locationId = t.demo.locations.mainBar;
  await t.cloud.db.query(
    `INSERT INTO items (org_id, sku, name, category, unit_cost)
     SELECT $1, 'BENCH-' || g, 'Bench bottle ' || md5(g::text), 'spirits', 20 FROM generate_series(1, $2::int) g`,
    [orgId, ITEMS],
  );
  // every bench item stocked and counted at the main bar, so the stock route answers 10,000 levels
  await t.cloud.db.query(
    `INSERT INTO item_locations (org_id, item_id, location_id, par_level, reorder_point)
     SELECT $1, id, $2, 6, 2 FROM items WHERE org_id = $1 AND sku LIKE 'BENCH-%'`,
    [orgId, locationId],
  );
  await t.cloud.db.query(
    `INSERT INTO transactions (org_id, item_id, location_id, type, quantity, before, after)
     SELECT $1, id, $2, 'COUNT', 4, 0, 4 FROM items WHERE org_id = $1 AND sku LIKE 'BENCH-%'`,
    [orgId, locationId],
  );
  await t.cloud.db.exec('ANALYZE items; ANALYZE item_locations; ANALYZE transactions');

  bare.get('/bare', async () => ({ ok: true }));
  const bareUrl = `${await bare.listen({ host: '127.0.0.1', port: 0 })}/bare`;
  const auth = { authorization: `Bearer ${t.ownerToken}` };
  const routes = [
    { name: 'GET /api/v1/inventory/items (page of 50)', key: 'items', url: `${t.cloud.url}/api/v1/inventory/items`, headers: auth },
    {
      name: `GET /api/v1/inventory/locations/{id}/stock (${items} levels)`,
      key: 'stock',
      url: `${t.cloud.url}/api/v1/inventory/locations/${locationId}/stock`,
      headers: auth,
    },
    {
      name: `GET /api/v1/inventory/locations/{id}/stock?limit=50 (a page of ${items} levels)`,
      key: 'stock page',
      url: `${t.cloud.url}/api/v1/inventory/locations/${locationId}/stock?limit=50`,
      headers: auth,
    },
  ]
    // each again as a browser asks (Chromium's Accept-Encoding): the compressed answer, what the dashboard gets
    .flatMap((r) => [
      r,
      {
        ...r,
        name: `${r.name} (gzip, br)`,
        key: `${r.key} gzip-br`,
        base: r.key,
        headers: { ...r.headers, 'accept-encoding': 'gzip, br' },
      },
    ])
    // BENCH_READ_ROUTES=items picks both of items' runs; 'items gzip-br' the compressed one alone
    .filter((r) => {
      const picked = process.env.BENCH_READ_ROUTES?.split(',');
      return !picked || picked.includes(r.key) || picked.includes('base' in r ? r.base : '');
    });
  // the SQL behind each route, alone: what is left of a request's time is HTTP, auth, validation and JSON
  const median5 = async (fn: () => Promise<unknown>) => {
    const ms: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await fn();
      ms.push(performance.now() - t0);
    }
    return Math.round(ms.sort((a, b) => a - b)[2]! * 10) / 10;
  };
  const pageSqlMs = await median5(async () => {
    const ids = await new StockRepository(t.cloud.db).pageOfItems(orgId, locationId, { limit: 51 });
    return new StockRepository(t.cloud.db).levels(
      orgId,
      locationId,
      ids.slice(0, 50).map((i) => i.id),
    );
  });
  const stockSqlMs = await median5(() => new StockRepository(t.cloud.db).levels(orgId, locationId));
  const itemsSqlMs = await median5(() => new ItemRepository(t.cloud.db).listWithSettings(orgId, { limit: 51 }));
  const aloneMs: Record<string, number> = {};
  for (const r of routes) {
    const probe = await fetch(r.url, { headers: r.headers });
    if (probe.status !== 200) throw new Error(`${r.name}: ${probe.status} ${await probe.text()}`);
    // fetch decompresses but still says what came: the compressed run must measure compressed answers
    if ('accept-encoding' in r.headers && probe.headers.get('content-encoding') !== 'br')
      throw new Error(`${r.name}: content-encoding ${probe.headers.get('content-encoding')}`);
    aloneMs[r.key] = await alone(r.url, r.headers);
  }

  await run(bareUrl, {}, { seconds: 1 }); // warm-up
  const bareFlat = await run(bareUrl, {});
  const bareCpu = await cpuPerRequest(admin, dbName, () => run(bareUrl, {}, { rate: PACED_RATE }));
  const barePaced = bareCpu.result;
  const rows: Row[] = [
    { figure: 'reads: bare Fastify route, flat out', value: rate(bareFlat), unit: 'req/s' },
    { figure: `reads: bare Fastify route p99 at ${PACED_RATE} req/s`, value: barePaced.latency.p99, unit: 'ms' },
    {
      figure: `reads: bare Fastify route CPU per request at ${PACED_RATE} req/s (this process and PostgreSQL)`,
      value: bareCpu.total,
      unit: 'µs',
    },
  ];
  rows.push(
    { figure: `reads: stock SQL alone, StockRepository.levels (${items} levels, median of 5)`, value: stockSqlMs, unit: 'ms' },
    { figure: `reads: stock page SQL alone, pageOfItems + levels (50 of ${items}, median of 5)`, value: pageSqlMs, unit: 'ms' },
    { figure: 'reads: items SQL alone, ItemRepository.listWithSettings (51 rows, median of 5)', value: itemsSqlMs, unit: 'ms' },
  );
  const cpu: Record<string, { areas: CpuShare[]; functions: CpuShare[] }> = {};
  for (const r of routes) {
    await run(r.url, r.headers, { seconds: 1 });
    let flat!: autocannon.Result;
    // a route answering in hundreds of ms needs longer than the bare one for a figure
    const seconds = r.key === 'stock' ? Math.max(SECONDS, 15) : SECONDS;
    cpu[r.key] = await profile(async () => (flat = await run(r.url, r.headers, { seconds })));
    const cpuPaced = await cpuPerRequest(admin, dbName, () => run(r.url, r.headers, { rate: PACED_RATE, seconds }));
    const paced = cpuPaced.result;
    const bad = flat.non2xx + flat.errors + paced.non2xx + paced.errors;
    if (bad) throw new Error(`${r.name}: ${bad} requests failed`);
    rows.push(
      { figure: `reads: ${r.name}, one request alone (median of 5)`, value: aloneMs[r.key]!, unit: 'ms' },
      { figure: `reads: ${r.name}, flat out`, value: rate(flat), unit: 'req/s' },
      { figure: `reads: ${r.key} route / bare, flat out`, value: Number((rate(flat) / rate(bareFlat)).toFixed(3)), unit: 'ratio' },
      { figure: `reads: ${r.key} route p99 at ${PACED_RATE} req/s`, value: paced.latency.p99, unit: 'ms' },
      {
        figure: `reads: ${r.key} route CPU per request at ${PACED_RATE} req/s (this process and PostgreSQL)`,
        value: cpuPaced.total,
        unit: 'µs',
      },
      { figure: `reads: ${r.key} route PostgreSQL CPU per request at ${PACED_RATE} req/s`, value: cpuPaced.pg, unit: 'µs' },
      // what the flat-out ratio would be with the machine to itself: steadier than req/s when others load it
      {
        figure: `reads: ${r.key} route / bare, by CPU per request`,
        value: Number((bareCpu.total / cpuPaced.total).toFixed(3)),
        unit: 'ratio',
      },
      { figure: `reads: ${r.key} route rate reached when asked ${PACED_RATE} req/s`, value: rate(paced), unit: 'req/s' },
    );
  }

  const out = rows.map((r) => ({ ...r, command: COMMAND }));
  console.table(Object.fromEntries(out.map(({ figure, value, unit }) => [figure, { value, unit }])));
  for (const [key, c] of Object.entries(cpu)) {
    process.stdout.write(`\nCPU of this process while the ${key} route ran flat out (server and autocannon), self time:\n`);
    console.table(c.areas);
    console.table(c.functions);
  }
  writeFigures('reads: ', out);
} finally {
  await bare.close();
  await t.close();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
}

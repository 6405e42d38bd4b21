// First load on a throttled phone, the way a manager opens the dashboard on a bar's 4G:
// Chromium with 4× CPU slowdown and DevTools' "Slow 4G" (562.5 ms round trip, 1.44 Mb/s down),
// against the real cloud serving the built dist/. Measured twice: with compression (what a
// browser gets) and with Accept-Encoding: identity (what every browser got before the cloud
// compressed). Bytes are what came over the wire; times are medians of RUNS fresh visits.
// Adds its rows to bench-results/dashboard.json (npm run bench).
import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCloud } from '@smartstock/cloud';
import { launchChromium } from '../test/support/browser';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const OWNER = { email: 'owner@anchor.test', password: 'correct horse battery staple' };
const SLOW_4G = {
  offline: false,
  latency: 562.5,
  downloadThroughput: (1.6 * 1024 * 1024 * 0.9) / 8,
  uploadThroughput: (750 * 1024 * 0.9) / 8,
};
const COMMAND = 'npm run bench -w dashboard';

interface Visit {
  formMs: number;
  formBytes: number;
  overviewMs: number;
  overviewBytes: number;
}

const dist = new URL('../dist/', import.meta.url).pathname;
if (!existsSync(join(dist, 'index.html'))) throw new Error('dashboard/dist is not built: run `npm run build -w dashboard` first');

const cloud = await startCloud({
  http: { host: '127.0.0.1', port: 0 },
  database: { memory: true },
  dataDir: mkdtempSync(join(tmpdir(), 'first-load-')),
  logLevel: 'silent',
  // the password hash is the server's cost, not the page's: kept light so the figure is about delivery
  auth: { argon2: { memoryCost: 8, timeCost: 1 }, loginRateLimit: { max: 1000, windowSeconds: 60 } },
  owner: { ...OWNER, name: 'Olivia Owner', organisation: 'Harbour Bars Ltd' },
  broker: { embedded: { host: '127.0.0.1', port: 0 } },
  rateLimit: { max: 100_000, windowSeconds: 60 },
} as never);
await cloud.seedDemo();
const browser = await launchChromium();

async function visit(compressed: boolean): Promise<Visit> {
  const ctx = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 3,
    isMobile: true,
    hasTouch: true,
    serviceWorkers: 'block',
  });
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  if (!compressed) await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': 'identity' } });
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e) => (bytes += e.encodedDataLength));
  const t0 = performance.now();
  await page.goto(`${cloud.url}/#/`, { waitUntil: 'commit' });
  await page.getByLabel('Email').waitFor({ timeout: 60_000 });
  const formMs = performance.now() - t0;
  const formBytes = bytes;
  await page.getByLabel('Email').fill(OWNER.email);
  await page.getByLabel('Password').fill(OWNER.password);
  const t1 = performance.now();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'The Anchor' }).waitFor({ timeout: 60_000 });
  await page.getByRole('heading', { name: /Main Bar/ }).waitFor({ timeout: 60_000 });
  const overviewMs = performance.now() - t1;
  // let the overview's last reads land before counting them
  await page.waitForLoadState('networkidle', { timeout: 30_000 }).catch(() => undefined);
  const overviewBytes = bytes - formBytes;
  await ctx.close();
  return { formMs, formBytes, overviewMs, overviewBytes };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const results: Record<'before' | 'after', Visit[]> = { before: [], after: [] };
try {
  for (let i = 0; i < RUNS; i++) {
    results.before.push(await visit(false));
    results.after.push(await visit(true));
  }
} finally {
  await browser.close();
  await cloud.stop();
}

const rows = (['before', 'after'] as const).flatMap((k) => {
  const v = results[k];
  const how = k === 'before' ? 'uncompressed (identity)' : 'compressed (br)';
  const label = (what: string) => `first load, 390 px phone, slow 4G + 4× CPU, ${how}: ${what}`;
  return [
    { figure: label('time to sign-in form'), value: Math.round(median(v.map((x) => x.formMs))), unit: 'ms', command: COMMAND },
    { figure: label('bytes to sign-in form'), value: Math.round(median(v.map((x) => x.formBytes)) / 1024), unit: 'KB', command: COMMAND },
    { figure: label('sign-in to overview'), value: Math.round(median(v.map((x) => x.overviewMs))), unit: 'ms', command: COMMAND },
    {
      figure: label('bytes sign-in to overview'),
      value: Math.round(median(v.map((x) => x.overviewBytes)) / 1024),
      unit: 'KB',
      command: COMMAND,
    },
  ];
});
for (const r of rows) console.log(`${r.figure}: ${r.value} ${r.unit}`);

const dir = new URL('../../bench-results/', import.meta.url);
mkdirSync(dir, { recursive: true });
const file = new URL('dashboard.json', dir);
const earlier = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { rows: { figure: string }[] }).rows : [];
const kept = earlier.filter((r) => !r.figure.startsWith('first load, '));
writeFileSync(file, JSON.stringify({ rows: [...kept, ...rows] }, null, 2) + '\n');

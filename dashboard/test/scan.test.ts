// Barcode scanning with the phone camera, in real Chromium against the real cloud: the fake
// camera plays a video of an EAN-13 symbol drawn from a demo item's digits, the scanner reads
// it (zxing-wasm, and the browser's BarcodeDetector where this Chromium has one), and the
// item it finds is received into stock.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openCameraPage, SHOTS, signIn } from './support/browser';
import { drawEan13, writeY4m, type GrayFrame } from './support/ean13';
import { OWNER, startStack, type Stack } from './support/stack';

const APEROL = '8002230000302';
const TITOS_UPC_A = '619947000020';
const NOT_OURS = '4006381333931';

describe('barcode scan with the phone camera', () => {
  let s: Stack;
  let ownerToken: string;
  let browser: Browser | undefined;
  const cameras = mkdtempSync(join(tmpdir(), 'dashboard-scan-'));

  const shot = (p: Page, name: string) => p.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });

  /** A signed-in page whose camera shows `code` (or a blank wall); `native: false` hides BarcodeDetector so zxing-wasm reads. */
  const openWithCamera = async (code: string | undefined, o: { native: boolean }) => {
    const video = join(cameras, `${code ?? 'blank'}.y4m`);
    const blank: GrayFrame = { width: 640, height: 480, data: new Uint8Array(640 * 480).fill(200) };
    await writeY4m(code ? drawEan13(code) : blank, video);
    const { browser: opened, page } = await openCameraPage(video, { width: 1100, height: 860 }, o.native);
    browser = opened;
    const wasm: string[] = [];
    page.on('request', (r) => void (r.url().endsWith('.wasm') && wasm.push(r.url())));
    await signIn(page, s.url, OWNER);
    return { page, wasm };
  };
  const transactionsOf = async (sku: string) => {
    const to = new Date(Date.now() + 60_000).toISOString();
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const q = new URLSearchParams({ from, to });
    const h = await s.api('GET', `/api/v1/inventory/items/${s.demo.items[sku]}/history?${q}`, undefined, ownerToken);
    expect(h.status).toBe(200);
    return h.body.transactions as { itemId: string; locationId: string; type: string; quantity: number; after: number }[];
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    s = await startStack();
    ownerToken = await s.login(OWNER.email, OWNER.password);
  }, 240_000);

  afterEach(async () => {
    await browser?.close();
    browser = undefined;
  });

  afterAll(async () => {
    await s?.close();
  }, 60_000);

  it('the scanner shows the camera and keeps looking until a barcode is in view, and can be stopped', async () => {
    const { page, wasm } = await openWithCamera(undefined, { native: false });
    expect(wasm).toEqual([]);
    await page.getByRole('button', { name: 'Scan a barcode' }).click();
    await expect.poll(() => page.locator('.scanner video').evaluate((v: HTMLVideoElement) => v.videoWidth)).toBe(640);
    // the reader is loaded only now, and from our own origin, not a CDN
    await expect.poll(() => wasm.filter((u) => u.startsWith(s.url))).toHaveLength(1);
    await page.waitForTimeout(1000);
    expect(await page.getByRole('alert').count()).toBe(0);
    await shot(page, 'scan-01-scanner-open');
    await page.getByRole('button', { name: 'Stop scanning' }).click();
    expect(await page.locator('.scanner').count()).toBe(0);
  });

  it('zxing-wasm reads an EAN-13 from the camera, shows the item, and the receipt is stored against it', async () => {
    const { page, wasm } = await openWithCamera(APEROL, { native: false });
    expect(await page.evaluate(() => 'BarcodeDetector' in globalThis)).toBe(false);
    await page.getByRole('button', { name: 'Scan a barcode' }).click();

    await page.getByRole('heading', { name: 'Aperol', level: 1 }).waitFor();
    expect(wasm.some((u) => /zxing_reader.*\.wasm$/.test(u) && u.startsWith(s.url))).toBe(true);
    expect(await page.locator('.scanner').count()).toBe(0);
    const mainBar = page.locator('article', { has: page.getByRole('heading', { name: 'Main Bar' }) });
    await mainBar.getByRole('button', { name: 'Count or adjust…' }).waitFor();
    await shot(page, 'scan-02-item-found');

    await mainBar.getByRole('button', { name: 'Count or adjust…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('radio', { name: 'count' }).waitFor();
    await dialog.getByRole('radio', { name: 'receive' }).check();
    await dialog.getByLabel(/Received/).fill('6');
    await shot(page, 'scan-03-receive');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/Aperol: now 6 bottles at Main Bar/).waitFor();

    const tx = await transactionsOf('APEROL-1000');
    expect(tx).toHaveLength(1);
    expect(tx[0]).toMatchObject({ itemId: s.demo.items['APEROL-1000'], locationId: s.demo.locations.mainBar, type: 'RECEIVE' });
    expect(Number(tx[0]!.quantity)).toBe(6);
  });

  it('a UPC-A label, which zxing reads as a 13-digit EAN-13, still finds its item', async () => {
    const { page } = await openWithCamera(TITOS_UPC_A, { native: false });
    await page.getByRole('button', { name: 'Scan a barcode' }).click();
    await page.getByRole('heading', { name: "Tito's Handmade Vodka", level: 1 }).waitFor();
  });

  it('a barcode no item has asks the manager which item it is, and leaves the app usable', async () => {
    const { page } = await openWithCamera(NOT_OURS, { native: false });
    await page.getByRole('button', { name: 'Scan a barcode' }).click();
    await page.getByRole('heading', { name: `New barcode ${NOT_OURS}` }).waitFor();
    await page.getByText('No item has this barcode yet. Which item is it?').waitFor();
    await shot(page, 'scan-04-unknown');
    expect(await page.locator('.scanner').count()).toBe(0);
    await page.getByRole('button', { name: 'Scan a barcode' }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Items' }).click();
    await page.getByLabel('Search').waitFor();
  });

  it("the browser's own BarcodeDetector reads it where Chromium has one", async (ctx) => {
    const { page, wasm } = await openWithCamera(APEROL, { native: true });
    const formats = await page.evaluate(async () => {
      const B = (globalThis as { BarcodeDetector?: { getSupportedFormats(): Promise<string[]> } }).BarcodeDetector;
      return B ? await B.getSupportedFormats() : undefined;
    });
    // Chromium has a barcode backend on Android, macOS and ChromeOS, not on desktop Linux
    if (!formats?.includes('ean_13'))
      ctx.skip(`this Chromium has no BarcodeDetector for EAN-13 (${formats ? formats.join(', ') : 'none'})`);
    await page.getByRole('button', { name: 'Scan a barcode' }).click();
    await page.getByRole('heading', { name: 'Aperol', level: 1 }).waitFor();
    expect(wasm).toEqual([]);
  });
});

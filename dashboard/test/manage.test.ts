// A manager's catalogue work in real Chromium against the real cloud, on a 390 px phone and a
// desktop: a label no item has is scanned (the fake camera plays it, the scanner reads it),
// and the app asks which item it is: attach it to one, or add a new item with it.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openCameraPage, SHOTS, signIn } from './support/browser';
import { drawEan13, writeY4m } from './support/ean13';
import { OWNER, startStack, type Stack } from './support/stack';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

describe('a manager adds items and attaches scanned barcodes', () => {
  let s: Stack;
  let token: string;
  let browser: Browser | undefined;
  const cameras = mkdtempSync(join(tmpdir(), 'dashboard-manage-'));
  const shot = (p: Page, name: string) => p.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });

  /** A signed-in page at this size whose camera shows `code`; zxing-wasm reads it. */
  const open = async (code: string, viewport: { width: number; height: number }) => {
    const video = join(cameras, `${code}.y4m`);
    await writeY4m(drawEan13(code), video);
    const { browser: opened, page } = await openCameraPage(video, viewport);
    browser = opened;
    await signIn(page, s.url, OWNER);
    return page;
  };
  const scanFinds = async (code: string) =>
    ((await s.api('POST', '/api/v1/inventory/scan', { barcode: code }, token)).body as { item?: { id: string; name: string } }).item;
  /** nothing sticks out sideways: the page is no wider than the screen */
  const fitsWidth = (p: Page) => p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    s = await startStack();
    token = await s.login(OWNER.email, OWNER.password);
  }, 240_000);
  afterEach(async () => {
    await browser?.close();
    browser = undefined;
  });
  afterAll(async () => {
    await s?.close();
  }, 60_000);

  for (const [label, viewport, code] of [
    ['phone', PHONE, '4006381333931'],
    ['desktop', DESKTOP, '8712345678906'],
  ] as const) {
    it(`${label}: a scanned barcode no item has becomes a new item, with its par level`, async () => {
      expect(await scanFinds(code)).toBeUndefined();
      const page = await open(code, viewport);
      await page.getByRole('button', { name: 'Scan a barcode' }).click();
      await page.getByRole('heading', { name: `New barcode ${code}` }).waitFor();
      expect(await page.locator('.scanner').count()).toBe(0);
      await page.getByRole('button', { name: 'Add the barcode to Aperol' }).waitFor();
      await shot(page, `manage-${label}-01-unknown-barcode`);
      expect(await fitsWidth(page)).toBe(true);

      await page.getByRole('link', { name: 'New item with this barcode' }).click();
      await page.getByRole('heading', { name: 'New item' }).waitFor();
      expect(await page.getByLabel('Barcode', { exact: true }).inputValue()).toBe(code);
      await page.getByLabel('Name').fill(`Campari ${label}`);
      await page.getByLabel('SKU').fill(`CAMPARI-${label}`.toUpperCase());
      await page.getByLabel('Category').selectOption('liqueur');
      await page.getByLabel('Bottle size (ml)').fill('700');
      // a reorder point above par is refused by the cloud, in words, by the field
      await page.getByLabel('Main Bar Par').fill('2');
      await page.getByLabel('Main Bar Reorder at').fill('5');
      await page.getByRole('button', { name: 'Add item' }).click();
      await page.getByRole('alert').filter({ hasText: 'the reorder point (5) is above the par level (2)' }).waitFor();
      await shot(page, `manage-${label}-02-bad-par`);
      expect(await fitsWidth(page)).toBe(true);
      await page.getByLabel('Main Bar Reorder at').fill('1');
      await page.getByRole('button', { name: 'Add item' }).click();
      await page.getByRole('heading', { name: `Campari ${label}`, level: 1 }).waitFor();
      // stocked at Main Bar from the start (par 2), not yet counted
      await page.getByRole('heading', { name: 'Main Bar', level: 2 }).waitFor();
      await shot(page, `manage-${label}-03-item-added`);

      const item = await scanFinds(code);
      expect(item?.name).toBe(`Campari ${label}`);
      const saved = (await s.api('GET', `/api/v1/inventory/items/${item!.id}`, undefined, token)).body as {
        category: string;
        bottleSizeMl: number;
        locations: { locationId: string; parLevel: number; reorderPoint: number }[];
      };
      expect(saved).toMatchObject({ category: 'liqueur', bottleSizeMl: 700 });
      expect(saved.locations).toEqual([expect.objectContaining({ locationId: s.demo.locations.mainBar, parLevel: 2, reorderPoint: 1 })]);
    });
  }

  it('phone: a scanned barcode is attached to an existing item; the next scan finds it; a duplicate is refused by name', async () => {
    const code = '5000281025155';
    const page = await open(code, PHONE);
    await page.getByRole('button', { name: 'Scan a barcode' }).click();
    await page.getByRole('heading', { name: `New barcode ${code}` }).waitFor();
    await page.getByLabel('Search items').fill('aper');
    await page.getByRole('button', { name: 'Add the barcode to Aperol' }).click();
    await page.getByRole('heading', { name: 'Aperol', level: 1 }).waitFor();
    await page.getByText(`Barcode ${code} is now on Aperol`).waitFor();
    expect((await scanFinds(code))?.name).toBe('Aperol');

    // the item's edit page lists both barcodes; the same code on another item is refused, naming Aperol
    await page.getByRole('link', { name: 'Edit item, barcodes, suppliers' }).click();
    await page.getByRole('heading', { name: 'Edit Aperol' }).waitFor();
    await page.getByText(code, { exact: true }).waitFor();
    await page.getByText('8002230000302', { exact: true }).waitFor();
    await shot(page, 'manage-phone-04-edit-item');
    expect(await fitsWidth(page)).toBe(true);
    await page.goto(`${s.url}/#/items/${s.demo.items['JAMESON-750']}/edit`);
    await page.getByRole('heading', { name: 'Edit Jameson Irish Whiskey' }).waitFor();
    await page.getByLabel('Add a barcode').fill(code);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: `the barcode ${code} is already on "Aperol"` })
      .waitFor();
    await shot(page, 'manage-phone-05-duplicate-barcode');
    expect((await scanFinds(code))?.name).toBe('Aperol');
  });
});

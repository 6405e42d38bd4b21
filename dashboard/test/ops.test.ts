// Operating the cloud, in real Chromium against the real cloud: the vision model's
// accuracy per model version (chart and tables) and the owner's audit log with filters.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openPage, SHOTS, signIn } from './support/browser';
import { OWNER, startStack, type Stack } from './support/stack';

const MANAGER = { email: 'mia@anchor.test', password: 'a long manager password', name: 'Mia Manager' };
const OLD = { detector: '1.0', fill: '0.1' };
const NEW = { detector: '2.0', fill: '0.1' };

describe('model accuracy and the audit log in the dashboard', () => {
  let s: Stack;
  let browser: Browser;
  let page: Page;
  let ownerToken: string;
  const dayAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

  /** a correction as the cloud stores it: the model's count and versions beside the person's */
  const correction = (at: string, versions: Record<string, string>, model: number, truth: number) =>
    s.cloud.db.query(
      `INSERT INTO slot_corrections (org_id, venue_id, location_id, device_id, camera_id, slot_id, polygon, model_count, model_fills,
         true_count, crop_missing, model_versions, created_at)
       VALUES ($1, $2, $3, 'anchor-edge-1', 'cam-1', 'slot-1', '[[0,0],[1,0],[1,1]]', $4, $5, $6, 'constructed', $7, $8)`,
      [
        s.demo.orgId,
        s.demo.venueId,
        s.demo.locations.mainBar,
        model,
        JSON.stringify(Array(model).fill(1)),
        truth,
        JSON.stringify(versions),
        at,
      ],
    );

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    s = await startStack();
    ownerToken = await s.login(OWNER.email, OWNER.password);
    expect((await s.api('POST', '/api/v1/users', { ...MANAGER, role: 'manager' }, ownerToken)).status).toBe(201);
    await s.cloud.db.query('UPDATE users SET must_change_password = false WHERE email = $1', [MANAGER.email]);
    // the old model drifts (off by 1, 2, 3 on three days); the new one is right but once
    for (const [n, off] of [
      [5, 1],
      [4, 2],
      [3, 3],
    ] as const) {
      await correction(dayAgo(n), OLD, 6, 6 - off);
      await correction(dayAgo(n), OLD, 4, 4);
    }
    for (const n of [2, 1]) {
      await correction(dayAgo(n), NEW, 5, 5);
      await correction(dayAgo(n), NEW, 3, n === 1 ? 2 : 3);
    }
    // something in the audit trail: a supplier made and renamed
    const sup = (await s.api('POST', '/api/v1/suppliers', { name: 'Harbour Wines' }, ownerToken)).body.id;
    await s.api('PATCH', `/api/v1/suppliers/${sup}`, { name: 'Harbour Wines Ltd' }, ownerToken);
    ({ browser, page } = await openPage({ width: 1200, height: 900 }));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await s?.close();
  }, 60_000);

  it('shows the count error per day for each model version, and the totals', async () => {
    await signIn(page, s.url, OWNER);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Accuracy' }).click();
    await page.getByRole('heading', { name: 'Camera accuracy' }).waitFor();
    const old = page.locator('tr[data-model="detector 1.0 + fill 0.1"]');
    const fresh = page.locator('tr[data-model="detector 2.0 + fill 0.1"]');
    await old.waitFor();
    // old: 6 corrections, 3 confirmed, errors 1+2+3 over 6 = 1.00; new: 4, 3 confirmed, 1 over 4 = 0.25
    expect(await old.locator('td').allInnerTexts()).toEqual(['detector 1.0 + fill 0.1', '6', '50 %', '50 %', '1.00 bottles', '–']);
    expect((await fresh.locator('td').allInnerTexts()).slice(0, 5)).toEqual([
      'detector 2.0 + fill 0.1',
      '4',
      '75 %',
      '25 %',
      '0.25 bottles',
    ]);
    // the chart: one line per model version, named in its legend
    await page.locator('.chart canvas').waitFor();
    const legend = await page.locator('.chart .u-legend .u-series').allInnerTexts();
    expect(legend.join(' ')).toContain('detector 1.0 + fill 0.1');
    expect(legend.join(' ')).toContain('detector 2.0 + fill 0.1');
    await page.screenshot({ path: `${SHOTS}ops-accuracy.png`, fullPage: true });
  });

  it('shows the owner the audit log, filtered by entity and action', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.locator('tr[data-entity="supplier"]').first().waitFor();
    await page.getByLabel('What').selectOption({ label: 'Supplier' });
    await page.getByLabel('Action').fill('update');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-action="create"]').length === 0);
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().locator('td').nth(1).innerText()).toBe('Olivia Owner');
    // the supplier by its name today, with its kind: not a uuid
    expect(await rows.first().locator('td').nth(3).innerText()).toBe('Supplier Harbour Wines Ltd');
    expect(await rows.first().locator('td').nth(4).innerText()).toBe('changed: name');
    await page.getByLabel('Action').fill('');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-entity="supplier"]').length === 2);
    await page.screenshot({ path: `${SHOTS}ops-audit.png`, fullPage: true });
  });

  it('a manager sees the accuracy but not the audit log', async () => {
    const p = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    await signIn(p, s.url, MANAGER);
    const nav = p.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Accuracy' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Audit' }).count()).toBe(0);
    await p.close();
  });
});

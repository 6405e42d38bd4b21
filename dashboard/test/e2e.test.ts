// End to end: real Chromium against the real cloud (PGlite, embedded TLS broker)
// and a simulated device publishing over MQTT with its own certificate.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openPage, SHOTS, signIn as signInAt } from './support/browser';
import { DEV, OWNER, startStack, type Stack } from './support/stack';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const BARTENDER = { email: 'bea@anchor.test', password: 'a long bartender password' };

describe('dashboard end to end', () => {
  let s: Stack;
  let browser: Browser;
  let page: Page;
  let ownerToken: string;

  const shot = (name: string, p: Page = page) => p.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });
  const signIn = (p: Page, who: { email: string; password: string }) => signInAt(p, s.url, who);
  const axe = async (p: Page) => {
    await p.addScriptTag({ content: axeSource });
    const r = await p.evaluate(async () => {
      const res = await (window as any).axe.run(document, { resultTypes: ['violations'] });
      return res.violations.map((v: any) => ({
        id: v.id,
        impact: v.impact,
        nodes: v.nodes.map((n: any) => n.target.join(' ')).slice(0, 3),
      }));
    });
    return (r as { id: string; impact: string; nodes: string[] }[]).filter((v) => v.impact === 'serious' || v.impact === 'critical');
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    s = await startStack();
    ownerToken = await s.login(OWNER.email, OWNER.password);
    expect((await s.api('POST', '/api/v1/users', { ...BARTENDER, name: 'Bea Bartender', role: 'bartender' }, ownerToken)).status).toBe(201);
    // Bea has signed in before (the first-password step is alerts.test.ts's subject)
    await s.cloud.db.query('UPDATE users SET must_change_password = false WHERE email = $1', [BARTENDER.email]);
    expect((await s.api('POST', '/api/v1/devices', { id: DEV, venueId: s.demo.venueId, name: 'Back bar edge' }, ownerToken)).status).toBe(
      201,
    );
    // three slots around bottles the synthetic frame really shows
    const { width: W, height: H, bottles } = s.device.frame;
    const seen = bottles.filter((b) => !b.ignore).slice(0, 3);
    const slots = seen.map((b, i) => {
      const [x, y, w, h] = b.box;
      const r = (v: number) => Math.min(1, Math.max(0, Math.round(v * 1000) / 1000));
      const [x0, y0, x1, y1] = [r((x - 4) / W), r((y - 4) / H), r((x + w + 4) / W), r((y + h + 4) / H)];
      return {
        id: `slot-${i + 1}`,
        itemId: s.demo.items[['TITOS-750', 'JAMESON-750', 'GREYGOOSE-750'][i]!],
        polygon: [
          [x0, y0],
          [x1, y0],
          [x1, y1],
          [x0, y1],
        ],
      };
    });
    const cams = [{ id: 'cam-1', name: 'Back bar left', locationId: s.demo.locations.mainBar, url: 'rtsp://10.0.0.5/stream1', slots }];
    expect((await s.api('PUT', `/api/v1/devices/${DEV}/cameras`, { cameras: cams }, ownerToken)).status).toBe(200);
    await s.device.serve();
    await s.device.observe([
      { slotId: 'slot-1', sku: 'TITOS-750', fills: [1, 0.4] },
      { slotId: 'slot-2', sku: 'JAMESON-750', fills: [0.8] },
      { slotId: 'slot-3', sku: 'GREYGOOSE-750', fills: [1], state: 'occluded' },
    ]);
    ({ browser, page } = await openPage({ width: 1280, height: 860 }));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await s?.close();
  }, 60_000);

  it('signs in and shows the venue overview', async () => {
    await signIn(page, OWNER);
    await page.getByRole('heading', { name: 'The Anchor' }).waitFor();
    await page.getByRole('heading', { name: /Main Bar/ }).waitFor();
    await page.getByText('1/1').waitFor();
    await shot('01-overview');
    expect(await axe(page)).toEqual([]);
  });

  it('updates the live shelf when the device publishes an observation', async () => {
    await page.goto(`${s.url}/#/shelves/${DEV}/cam-1`);
    const slot1 = page.locator('[data-slot="slot-1"]');
    await expect.poll(() => slot1.getByTestId('count').textContent(), { timeout: 20_000 }).toBe('2');
    await page.getByRole('img', { name: /Latest frame/ }).waitFor();
    await page.locator('[data-slot="slot-3"]').getByText('Occluded').waitFor();
    await shot('02-shelf-before');
    const t0 = Date.now();
    await s.device.observe([{ slotId: 'slot-1', sku: 'TITOS-750', fills: [1, 1, 1, 0.25] }]);
    await expect.poll(() => slot1.getByTestId('count').textContent(), { timeout: 5_000, interval: 25 }).toBe('4');
    console.log(`observation → shelf view: ${Date.now() - t0} ms`);
    await shot('03-shelf-after');
    expect(await axe(page)).toEqual([]);
  });

  it('corrects a wrong camera count from the keyboard, and the correction is stored with a crop', async () => {
    const slot1 = page.locator('[data-slot="slot-1"]');
    await slot1.getByRole('button', { name: /Count is wrong/ }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: /Correct Tito/ });
    await expect.poll(() => dialog.getByTestId('model-count').textContent()).toBe('4');
    // the true count has the focus first: type, Tab to the fills and the note, Enter submits
    await page.keyboard.type('5');
    await page.keyboard.press('Tab');
    await page.keyboard.type('100, 100');
    await page.keyboard.press('Tab');
    await page.keyboard.type('one hidden at the back');
    await page.keyboard.press('Enter');
    await dialog.getByRole('alert').getByText('Give one fill per bottle: 5 for 5 bottles, not 2.').waitFor();
    await dialog.getByLabel(/Fill of each bottle/).fill('100, 100, 100, 25, 60');
    await shot('04a-correct-dialog');
    await dialog.getByLabel(/Note/).press('Enter');
    await page.getByText(/Tito's Handmade Vodka: 5 bottles saved with a photo of the slot/).waitFor();
    await shot('04b-corrected');
    const list = await s.api('GET', '/api/v1/corrections?cameraId=cam-1', undefined, ownerToken);
    expect(list.body.corrections[0]).toMatchObject({
      slotId: 'slot-1',
      modelCount: 4,
      trueCount: 5,
      trueFills: [1, 1, 1, 0.25, 0.6],
      note: 'one hidden at the back',
    });
    expect(list.body.corrections[0].crop.width).toBeGreaterThan(10);
  });

  it('adjusts a count with a reason, and a low level shows on the overview', async () => {
    const lowList = page.getByRole('list', { name: 'Running low at Main Bar' });
    await page.goto(`${s.url}/#/`);
    await lowList.waitFor();
    expect(await lowList.getByRole('link', { name: "Tito's Handmade Vodka" }).count()).toBe(0);
    await page.goto(`${s.url}/#/items`);
    await page.getByLabel('Search').fill('tito');
    await page.getByRole('button', { name: "Count or adjust Tito's Handmade Vodka" }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('radio', { name: 'count' }).check();
    // the camera sees some on the shelf (as corrected): a whole-location count of 1 is less, and the dialog says so before saving
    expect(await dialog.getByRole('radio', { name: 'Whole location' }).isChecked()).toBe(true);
    await dialog.getByLabel(/Counted level/).fill('1');
    await dialog.getByText(/Less than the [\d.]+ the camera sees on the shelf/).waitFor();
    await dialog.getByRole('radio', { name: 'On the shelf' }).check();
    await dialog.getByLabel(/Reason/).fill('end-of-night count');
    await shot('04-adjust-dialog');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/Tito's Handmade Vodka: now 1 bottle at Main Bar/).waitFor();
    const tx = await s.cloud.db.query<{ reason: string; after: number; counted: string }>(
      `SELECT reason, after, counted FROM transactions ORDER BY at DESC LIMIT 1`,
    );
    expect(tx.rows[0]).toMatchObject({ reason: 'end-of-night count', counted: 'on_shelf' });
    expect(Number(tx.rows[0]!.after)).toBe(1);
    await page.goto(`${s.url}/#/`);
    await lowList.getByRole('link', { name: "Tito's Handmade Vodka" }).waitFor();
    await shot('05-overview-low');
  });

  it('runs a typed command after confirmation', async () => {
    await page.getByRole('textbox', { name: 'Command' }).fill('received 2 cases of Tito’s at Main Bar');
    await page.getByRole('button', { name: 'Go' }).click();
    await page.getByText("Receive 24 bottles (2 cases × 12) of Tito's Handmade Vodka at Main Bar").waitFor();
    await shot('06-command');
    await page.getByRole('button', { name: 'Confirm' }).click();
    // 1 counted + 24 received
    await page.getByText("Tito's Handmade Vodka: now 25 bottles", { exact: true }).waitFor();
    // a question's answer says bottles, and a whole count without decimals: it read "25.00 bottles"
    await page.getByRole('textbox', { name: 'Command' }).fill('how much tito’s at main bar');
    await page.getByRole('button', { name: 'Go' }).click();
    await page.getByText(/^Main Bar: 25 bottles \(\w+\)$/).waitFor();
    await page.getByRole('button', { name: 'Done' }).click();
  });

  it('edits slots on the snapshot and shows the device ack', async () => {
    await page.goto(`${s.url}/#/devices`);
    await page.getByText('rev 1 applied').waitFor();
    // a message the device sent that ingestion refused shows under its rejects
    await s.cloud.db.query(
      `INSERT INTO dead_letters (topic, device_id, org_id, reason, payload, size_bytes, sha256)
       SELECT 'smartstock/x', id, org_id, 'invalid batch: observations is required', '\\x7b'::bytea, 1, repeat('0', 64) FROM devices WHERE id = $1`,
      [DEV],
    );
    await page.getByText('Rejected messages').click();
    await page
      .getByRole('list', { name: /Rejected messages/ })
      .getByText('invalid batch: observations is required')
      .waitFor();
    await shot('07-devices');
    await page.getByRole('link', { name: 'Edit slots' }).click();
    const canvas = page.getByTestId('slot-canvas');
    await page.getByRole('img', { name: /Latest frame/ }).waitFor();
    const box = (await canvas.boundingBox())!;
    for (const [x, y] of [
      [0.8, 0.55],
      [0.95, 0.55],
      [0.95, 0.9],
      [0.8, 0.9],
    ])
      await canvas.click({ position: { x: x! * box.width, y: y! * box.height } });
    await page.getByRole('button', { name: /Close slot/ }).click();
    await page.getByRole('listitem').filter({ hasText: 'slot-4' }).getByLabel('Item').selectOption({ label: 'Aperol' });
    await page.getByRole('button', { name: 'Save and send to device' }).click();
    await page.getByTestId('ack').getByText('Device applied revision 2.').waitFor();
    // the same drawing by keyboard: arrows move the cursor, Enter adds a corner
    await canvas.focus();
    for (const k of ['Enter', 'ArrowRight', 'ArrowRight', 'Enter', 'ArrowDown', 'ArrowDown', 'Enter']) await page.keyboard.press(k);
    await page.getByRole('button', { name: 'Close slot (3 points)' }).waitFor();
    await shot('08-slot-editor');
    const dev = await s.api('GET', `/api/v1/devices/${DEV}`, undefined, ownerToken);
    expect(dev.body.cameras[0].slots.map((x: { id: string }) => x.id)).toEqual(['slot-1', 'slot-2', 'slot-3', 'slot-4']);
  });

  it("says so when someone else saved the cameras first, shows theirs and offers the manager's slots back", async () => {
    await page.getByRole('button', { name: 'Close slot (3 points)' }).click();
    // meanwhile a technician's `slots apply` saves the device's cameras from a fresh read
    const read = await s.api('GET', `/api/v1/devices/${DEV}`, undefined, ownerToken);
    const theirs = read.body.cameras.map((camera: { sampleEverySeconds: number }) => ({ ...camera, sampleEverySeconds: 3 }));
    const put = await s.api(
      'PUT',
      `/api/v1/devices/${DEV}/cameras`,
      { cameras: theirs, expectedRevision: read.body.configRevision },
      ownerToken,
    );
    expect(put.status).toBe(200);
    await page.getByRole('button', { name: 'Save and send to device' }).click();
    await page
      .getByTestId('ack')
      .getByText(/Someone else changed this device's cameras while you were editing, so nothing was saved/)
      .waitFor();
    const after = await s.api('GET', `/api/v1/devices/${DEV}`, undefined, ownerToken);
    expect(after.body.configRevision).toBe(put.body.configRevision);
    expect(after.body.cameras[0].sampleEverySeconds).toBe(3);
    expect(await page.getByRole('list', { name: 'Slots' }).getByRole('listitem').count()).toBe(4);
    await page.getByRole('button', { name: 'Put my 5 slots back' }).click();
    await page.getByTestId('ack').getByText('Unsaved changes.').waitFor();
    expect(await page.getByRole('list', { name: 'Slots' }).getByRole('listitem').count()).toBe(5);
  });

  it('the item page draws the level chart', async () => {
    await page.goto(`${s.url}/#/items/${s.demo.items['JAMESON-750']}`);
    await page.locator('.chart canvas').waitFor();
    await shot('09-item');
  });

  it('the item page shows the shelf and off-camera parts with where each came from, and uncounted places apart', async () => {
    await page.goto(`${s.url}/#/items/${s.demo.items['TITOS-750']}`);
    const bar = page.locator(`[data-location="${s.demo.locations.mainBar}"]`);
    // the count of 1 on the shelf, then 24 received at Main Bar (the typed command) off camera
    const shelf = bar.locator('[data-part="on_shelf"]');
    // the person's 1: the shelf's source, or kept in view beside the camera's reading if it has read since
    await shelf
      .getByText(/count:? (1 )?\(on shelf\) by /)
      .first()
      .waitFor();
    const off = bar.locator('[data-part="off_camera"]');
    await expect.poll(() => off.locator('strong').textContent()).toBe('24');
    await off.getByText(/delivery by /).waitFor();
    const rooftop = page.locator(`[data-location="${s.demo.locations.rooftop}"]`);
    await rooftop.getByText('Not counted yet').waitFor();
    await rooftop.getByText(/Nobody has counted it here/).waitFor();
    await shot('09b-item-parts');
    expect(await axe(page)).toEqual([]);
    await page.goto(`${s.url}/#/items`);
    await page.getByLabel('Location').selectOption({ label: 'Rooftop' });
    await page.getByLabel('Status').selectOption({ label: 'Not counted yet' });
    await page.getByRole('list', { name: 'Items' }).getByText('Not counted yet').first().waitFor();
    // said once, in words: it read "— bottles" beside the badge
    const never = page.getByRole('list', { name: 'Items' }).getByRole('listitem').first().locator('.level');
    expect((await never.textContent())?.replace(/\s+/g, ' ').trim()).toBe('Not counted yet');
  });

  it('a bartender can count but cannot edit items', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const p = await ctx.newPage();
    await signIn(p, BARTENDER);
    await p.goto(`${s.url}/#/items`);
    await p.getByRole('button', { name: /Count or adjust Tito/ }).waitFor();
    expect(await p.getByRole('spinbutton', { name: /Par level of/ }).count()).toBe(0);
    await shot('10-bartender-items', p);
    const token = await s.login(BARTENDER.email, BARTENDER.password);
    const r = await s.api('PATCH', `/api/v1/inventory/items/${s.demo.items['TITOS-750']}`, { name: 'Renamed' }, token);
    expect(r.status).toBe(403);
    await ctx.close();
  });

  it('opens offline with the last known levels and a "last updated" banner, disables changes, and is live again as soon as the link is', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const p = await ctx.newPage();
    try {
      await signIn(p, OWNER);
      await p.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
      // a second load runs under the service worker, which keeps the shell and the levels it fetched
      await p.reload();
      await p.getByRole('heading', { name: 'The Anchor' }).waitFor();
      await expect.poll(() => p.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
      await p.getByRole('list', { name: 'Running low at Main Bar' }).waitFor();
      // the items page and an item page too, so they can be opened offline
      await p.goto(`${s.url}/#/items`);
      await p.getByRole('button', { name: /Count or adjust Jameson/ }).waitFor();
      await p.goto(`${s.url}/#/items/${s.demo.items['JAMESON-750']}`);
      await p.locator('.chart canvas').waitFor();
      await p.goto(`${s.url}/#/`);
      await p.getByRole('list', { name: 'Running low at Main Bar' }).waitFor();
      // the network goes: the server is unreachable for the page, its reads and its live socket
      s.cut(true);
      await p.reload();
      await p.getByText(/Offline\./).waitFor();
      await p.getByText(/Showing levels last updated/).waitFor();
      await p.getByRole('list', { name: 'Running low at Main Bar' }).getByRole('link', { name: 'Jameson Irish Whiskey' }).waitFor();
      await shot('12-offline', p);
      await p.goto(`${s.url}/#/items`);
      // the banner says changes are disabled, and they are
      const count = p.getByRole('button', { name: /Count or adjust Jameson/ });
      await expect.poll(() => count.isDisabled()).toBe(true);
      expect(await p.getByRole('spinbutton', { name: /Par level of Jameson/ }).isDisabled()).toBe(true);
      await shot('12b-offline-items', p);
      // the item page shows the last figures known, not "Loading…"
      await p.goto(`${s.url}/#/items/${s.demo.items['JAMESON-750']}`);
      await p.getByRole('heading', { name: 'Jameson Irish Whiskey' }).waitFor();
      await p.getByRole('heading', { name: 'Main Bar' }).waitFor();
      expect(await p.getByText('Loading…').count()).toBe(0);
      expect(
        await p
          .getByRole('button', { name: /Count or adjust/ })
          .first()
          .isDisabled(),
      ).toBe(true);
      await shot('12c-offline-item', p);
      // back: the live link reconnects and the banner goes with it, no reload
      s.cut(false);
      await p.getByText(/Offline\./).waitFor({ state: 'detached', timeout: 30_000 });
      await p.locator('.live.open').waitFor();
      await p.goto(`${s.url}/#/items`);
      await expect.poll(() => p.getByRole('button', { name: /Count or adjust Jameson/ }).isEnabled()).toBe(true);
    } finally {
      s.cut(false);
      await ctx.close();
    }
  }, 120_000);

  it('works on a 360 px phone without sideways scrolling or serious axe findings', async () => {
    const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const p = await ctx.newPage();
    await signIn(p, OWNER);
    for (const [name, hash] of [
      ['overview', '#/'],
      ['items', '#/items'],
      ['shelf', `#/shelves/${DEV}/cam-1`],
      ['devices', '#/devices'],
    ] as const) {
      await p.goto(`${s.url}/${hash}`);
      await p.getByRole('heading', { level: 1 }).first().waitFor();
      if (name === 'shelf') await p.locator('[data-slot="slot-1"]').getByTestId('count').waitFor();
      if (name === 'items')
        await p
          .getByRole('button', { name: /Count or adjust/ })
          .first()
          .waitFor();
      await shot(`11-phone-${name}`, p);
      const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, name).toBeLessThanOrEqual(1);
      expect(await axe(p), name).toEqual([]);
    }
    // the correction dialog fits the phone too, and Escape leaves it without saving
    await p.goto(`${s.url}/#/shelves/${DEV}/cam-1`);
    await p
      .locator('[data-slot="slot-2"]')
      .getByRole('button', { name: /Count is wrong/ })
      .click();
    await p.getByRole('dialog').getByLabel('True count (bottles)').waitFor();
    await shot('11-phone-correct', p);
    expect(await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(1);
    expect(await axe(p), 'correct dialog').toEqual([]);
    await p.keyboard.press('Escape');
    await expect.poll(() => p.getByRole('dialog').count()).toBe(0);
    await ctx.close();
  });
});

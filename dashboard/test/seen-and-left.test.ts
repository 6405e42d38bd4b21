// Issue 30's "seen and left", in real Chromium against the real cloud: the main menu in one row at
// 1280 px, money in the venue's currency (set on the settings card), and slot cards that stop saying
// "Live" when the device's last status is old (what a cloud restart showed). Screenshots 30-*.png.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { TOPICS } from '@smartstock/protocol';
import { makeOnlineStatus } from '@smartstock/protocol/testing';
import { phoneAndDesktop, sidewaysOverflow, SHOTS, type PhoneAndDesktop } from './support/browser';
import { DEV, OWNER, startStack, type Stack } from './support/stack';

describe('the menu, money and live readings (issue 30)', () => {
  let s: Stack;
  let screens: PhoneAndDesktop | undefined;
  let token: string;
  const shot = (p: Page, name: string) => p.screenshot({ path: `${SHOTS}30-${name}.png`, fullPage: true });
  const api = async (method: string, path: string, body?: unknown) => (await s.api(method, `/api/v1${path}`, body, token)).body;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    s = await startStack();
    token = await s.login(OWNER.email, OWNER.password);
    expect((await s.api('POST', '/api/v1/devices', { id: DEV, venueId: s.demo.venueId, name: 'Back bar edge' }, token)).status).toBe(201);
    const slots = [
      {
        id: 'r1-s1',
        name: 'Row 1, slot 1',
        itemId: s.demo.items['TITOS-750'],
        polygon: [
          [0.1, 0.2],
          [0.2, 0.2],
          [0.2, 0.5],
          [0.1, 0.5],
        ],
      },
    ];
    const cams = [{ id: 'cam-1', name: 'Back bar left', locationId: s.demo.locations.mainBar, url: 'rtsp://10.0.0.5/stream1', slots }];
    expect((await s.api('PUT', `/api/v1/devices/${DEV}/cameras`, { cameras: cams }, token)).status).toBe(200);
    await s.device.serve();
    await s.device.observe([{ slotId: 'r1-s1', sku: 'TITOS-750', fills: [1, 0.6] }]);
    await api('POST', '/suppliers', { name: 'Harbour Wines', email: 'orders@harbour.example', minOrderValue: 250 });
    screens = await phoneAndDesktop(s.url, OWNER);
  }, 240_000);

  afterAll(async () => {
    await screens?.close();
    await s?.close();
  }, 60_000);

  it('the owner’s whole menu is one row at 1280 px, and a bottom bar on a phone', async () => {
    const p = screens!.pages.desktop;
    await p.goto(`${s.url}/#/`);
    await p.getByRole('heading', { name: 'The Anchor' }).waitFor();
    const nav = p.getByRole('navigation', { name: 'Main' });
    const links = nav.getByRole('listitem');
    expect(await links.count()).toBeGreaterThanOrEqual(16); // every section an owner has, and More (hidden)
    const navBox = (await nav.boundingBox())!;
    const rowBox = (await nav.getByRole('link', { name: 'Overview' }).boundingBox())!;
    await shot(p, 'desktop-1280-nav');
    // one row: the menu is as tall as one of its tabs (plus its border), and every tab sits on that row
    expect(navBox.height).toBeLessThanOrEqual(rowBox.height + 2);
    const tops = await nav.getByRole('link').evaluateAll((as) => as.map((a) => Math.round(a.getBoundingClientRect().top)));
    expect(new Set(tops).size).toBe(1);
    const used = await nav.getByRole('link').evaluateAll((as) => Math.round(as.at(-1)!.getBoundingClientRect().right));
    console.log(`menu at 1280 px: its ${tops.length} tabs end at ${used} px`); // the room left, for the next section added
    expect(await nav.getByRole('link', { name: 'Audit' }).isVisible()).toBe(true);
    expect(await sidewaysOverflow(p)).toBeLessThanOrEqual(1);

    const phone = screens!.pages.phone;
    await phone.goto(`${s.url}/#/`);
    const bar = phone.getByRole('navigation', { name: 'Main' });
    const barBox = (await bar.boundingBox())!;
    expect(barBox.y + barBox.height).toBeCloseTo(844, 0);
    expect(barBox.height).toBeLessThan(80);
    await bar.getByRole('button', { name: 'More' }).click();
    await phone.getByRole('list', { name: 'More sections' }).getByRole('link', { name: 'Audit' }).waitFor();
    await shot(phone, 'phone-more');
    await bar.getByRole('button', { name: 'More' }).click();
  }, 60_000);

  it('money is in the venue’s currency, which the settings card sets; a bad code is refused naming the field', async () => {
    const p = screens!.pages.desktop;
    await p.goto(`${s.url}/#/suppliers`);
    const harbour = p.getByRole('article', { name: 'Harbour Wines' });
    // the demo venue is in London: its own currency, GBP, in an organisation keeping euros
    await expect.poll(() => harbour.textContent()).toContain('minimum £250.00');
    const card = p.getByRole('region', { name: 'Currency' });
    expect(await card.getByTestId('venue-currency').textContent()).toContain('sets its own: GBP');
    const field = card.getByLabel('Currency at The Anchor');
    await field.fill('XYZ');
    await field.press('Enter');
    await expect.poll(() => card.getByRole('alert').textContent()).toMatch(/ISO 4217.*body\.currency/);
    await shot(p, 'desktop-currency-refused');
    // cleared: the organisation's
    await field.fill('');
    await field.press('Enter');
    await expect.poll(() => harbour.textContent()).toContain('minimum €250.00');
    // the owner changes the organisation's: the venue follows it
    const org = card.getByLabel('Organisation’s currency');
    await org.fill('usd');
    await org.press('Enter');
    await expect.poll(() => harbour.textContent()).toContain('minimum $250.00');
    expect((await api('GET', `/venues/${s.demo.venueId}`)).currency).toBe('USD');
    await field.fill('JPY');
    await field.press('Enter');
    await expect.poll(() => harbour.textContent()).toContain('minimum ¥250');
    await shot(p, 'desktop-currency-jpy');
    await field.fill('gbp');
    await field.press('Enter');
    await expect.poll(() => harbour.textContent()).toContain('minimum £250.00');
    // and on the phone, the same
    const phone = screens!.pages.phone;
    await phone.goto(`${s.url}/#/suppliers`);
    await expect.poll(() => phone.getByRole('article', { name: 'Harbour Wines' }).textContent()).toContain('minimum £250.00');
    expect(await sidewaysOverflow(phone)).toBeLessThanOrEqual(1);
    await shot(phone, 'phone-suppliers-currency');
  }, 90_000);

  it('slot cards are not "Live" on a status the device made long ago, and say how old the reading is', async () => {
    const status = (at: Date) =>
      s.device.mqtt.publishAsync(TOPICS.status(DEV), JSON.stringify(makeOnlineStatus({ deviceId: DEV, at: at.toISOString() })), {
        qos: 1,
        retain: true,
      });
    const p = screens!.pages.desktop;
    const card = p.locator('[data-slot="r1-s1"]');
    await p.goto(`${s.url}/#/shelves/${DEV}/cam-1`);
    await card.getByTestId('count').waitFor();
    await expect.poll(() => card.locator('.state').textContent()).toBe('Live');
    // what a restarted cloud holds until the device speaks again: its last run's status, "online", made 2 hours ago
    await status(new Date(Date.now() - 2 * 3_600_000));
    await expect.poll(() => card.getAttribute('data-state'), { timeout: 20_000 }).toBe('silent');
    expect(await card.locator('.state').textContent()).toMatch(/^\d+ ?(s|min|h) old$/);
    expect(await card.getByText('Live').count()).toBe(0);
    expect(await p.getByTestId('silent').textContent()).toMatch(/No report from Back bar edge for 2 h/);
    await shot(p, 'desktop-shelf-silent');
    // the device reports again: live
    await status(new Date());
    await expect.poll(() => card.locator('.state').textContent(), { timeout: 20_000 }).toBe('Live');
    expect(await p.getByTestId('silent').count()).toBe(0);
  }, 60_000);
});

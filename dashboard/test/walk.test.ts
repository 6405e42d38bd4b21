// What walking every page as a bar manager showed, in real Chromium against the real cloud at 390 px
// and 1280 px: sign-up asks for the currency (from the browser's region), the audit log fits a phone,
// empty states say what to do, and figures read in the bar's words. Screenshots walk-*.png.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { currencyForLocale } from '../src/lib/signup-currency';
import { launchChromium, phoneAndDesktop, PHONE, sidewaysOverflow, signIn, SHOTS, type PhoneAndDesktop } from './support/browser';
import { DEV, OWNER, startStack, type Stack } from './support/stack';

describe('currencyForLocale', () => {
  it('takes the region’s currency, the likely region for a bare language, and EUR when unknown', () => {
    expect(currencyForLocale('en-GB')).toBe('GBP');
    expect(currencyForLocale('en-US')).toBe('USD');
    expect(currencyForLocale('de')).toBe('EUR'); // German → Germany
    expect(currencyForLocale('ja')).toBe('JPY');
    expect(currencyForLocale('pt-BR')).toBe('EUR'); // not in the short list: EUR, changed later on Suppliers
    expect(currencyForLocale('C')).toBe('EUR'); // not a language tag
    expect(currencyForLocale(undefined)).toBe('EUR');
  });
});

describe('walking every page (bar manager)', () => {
  let s: Stack;
  let screens: PhoneAndDesktop | undefined;
  let token: string;
  const shot = (p: Page, name: string) => p.screenshot({ path: `${SHOTS}walk-${name}.png`, fullPage: true });
  const api = async (method: string, path: string, body?: unknown) => s.api(method, `/api/v1${path}`, body, token);

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    s = await startStack();
    token = await s.login(OWNER.email, OWNER.password);
    expect((await api('POST', '/devices', { id: DEV, venueId: s.demo.venueId, name: 'Back bar edge' })).status).toBe(201);
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
    expect((await api('PUT', `/devices/${DEV}/cameras`, { cameras: cams })).status).toBe(200);
    await s.device.serve();
    // a part-drunk bottle: 0.871 of one on the shelf
    await s.device.observe([{ slotId: 'r1-s1', sku: 'TITOS-750', fills: [0.871] }]);
    screens = await phoneAndDesktop(s.url, OWNER);
  }, 240_000);

  afterAll(async () => {
    await screens?.close();
    await s?.close();
  }, 60_000);

  it('sign-up offers the currency of the browser’s region, and the organisation is made in the one chosen', async () => {
    const browser = await launchChromium();
    try {
      for (const [locale, expected] of [
        ['en-GB', 'GBP'],
        ['en-US', 'USD'],
      ] as const) {
        const page = await (await browser.newContext({ locale, viewport: { width: 390, height: 844 } })).newPage();
        page.setDefaultTimeout(20_000);
        await page.goto(`${s.url}/#/signup`);
        const currency = page.getByRole('combobox', { name: /^Currency/ });
        await currency.waitFor();
        expect(await currency.inputValue()).toBe(expected);
        expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(1);
        if (locale === 'en-GB') await shot(page, 'phone-signup');
        await page.context().close();
      }
      // a bar in Zurich signs up from an English browser: the manager picks the franc
      const page = await (await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 800 } })).newPage();
      page.setDefaultTimeout(20_000);
      await page.goto(`${s.url}/#/signup`);
      await page.getByLabel('Organisation', { exact: true }).fill('Limmat Bars');
      await page.getByRole('combobox', { name: /^Currency/ }).selectOption('CHF');
      await page.getByLabel('Your name', { exact: true }).fill('Lea Founder');
      await page.getByLabel('Email', { exact: true }).fill('lea@limmat.test');
      await page.getByLabel('Password', { exact: true }).fill('lea’s long password');
      await page.getByRole('button', { name: 'Create organisation' }).click();
      await page.getByRole('navigation', { name: 'Main' }).waitFor();
      const org = await s.api('GET', '/api/v1/organisation', undefined, await s.login('lea@limmat.test', 'lea’s long password'));
      expect([org.body.name, org.body.currency]).toEqual(['Limmat Bars', 'CHF']);
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('the audit log fits a phone: no sideways scroll, each entry a card', async () => {
    await screens!.each(async (p, screen) => {
      await p.goto(`${s.url}/#/audit`);
      const registered = p.locator('tr[data-action="register"]').first();
      await registered.waitFor();
      // the device by the name it was given, not its id
      expect(await registered.locator('td').nth(3).innerText()).toBe('Device Back bar edge');
      expect(await sidewaysOverflow(p)).toBeLessThanOrEqual(1);
      await shot(p, `${screen}-audit`);
    });
  }, 60_000);

  it('the command bar’s example fits its box on a phone and a desktop', async () => {
    await screens!.each(async (p, screen) => {
      await p.goto(`${s.url}/#/`);
      const box = p.getByRole('textbox', { name: 'Command' });
      await box.waitFor();
      // the placeholder's width in the box's own font against the room inside its padding
      const [text, room] = await box.evaluate((input: HTMLInputElement) => {
        const style = getComputedStyle(input);
        const ctx = document.createElement('canvas').getContext('2d')!;
        ctx.font = style.font;
        return [
          ctx.measureText(input.placeholder).width,
          input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
        ];
      });
      expect(text, `${screen}: the example is ${Math.round(text)} px in ${Math.round(room)} px`).toBeLessThanOrEqual(room);
    });
  }, 60_000);

  it('empty states say what to do, and the reasons say the bottles on hand by the one rule for quantities', async () => {
    await screens!.each(async (p, screen) => {
      await p.goto(`${s.url}/#/orders`);
      const unassigned = p.getByTestId('unassigned');
      await unassigned.waitFor();
      // the items below par have no supplier: not "every item with a supplier is above what it needs",
      // and not "no supplier sells", which read as nobody in the trade sells them
      expect(await p.getByTestId('nothing-suggested').textContent()).toContain(
        'the items below par, listed under this, have no supplier yet',
      );
      expect(await unassigned.getByRole('heading').textContent()).toMatch(/^\s*\d+ items? below par with no supplier yet\s*$/);
      expect(await p.locator('main').textContent()).not.toContain('no supplier sells');
      const titos = unassigned.getByRole('listitem').filter({ hasText: "Tito's Handmade Vodka" });
      expect(await titos.textContent()).toContain('(all locations) with 0.87 bottles on hand');
      // two decimals at most, never the raw 0.871
      expect(await unassigned.textContent()).not.toMatch(/\d\.\d\d\d/);
      await shot(p, `${screen}-orders`);

      // an item with no supplier says what one is for, not a command-bar word ('"order …" needs one')
      await p.goto(`${s.url}/#/items/${s.demo.items['TITOS-750']}/edit`);
      await expect.poll(() => p.getByTestId('no-offer').textContent()).toContain('Orders can suggest it');
      await p.goto(`${s.url}/#/suppliers`);
      expect(await p.getByTestId('no-suppliers').textContent()).toContain('say what it sells on each item’s page');
      // what to type in the currency box, not the name of the standard
      expect(await p.getByTestId('currency-hint').textContent()).toContain('a three-letter code such as EUR, GBP or USD');
      expect(await p.getByRole('region', { name: 'Currency' }).textContent()).not.toContain('ISO');
      await p.goto(`${s.url}/#/invoices`);
      expect(await p.getByTestId('no-invoices').textContent()).toContain('take a photo of one');

      await p.goto(`${s.url}/#/sales`);
      // nothing sold: not "every menu item sold has a recipe"
      await expect.poll(() => p.getByTestId('nothing-waiting').textContent()).toContain('Nothing yet');
      await expect.poll(() => p.getByRole('article', { name: 'Recipes', exact: true }).textContent()).toContain('once sales arrive');
      // the card's second part reads as a part: smaller than the card's title, and set off from the line above it
      const [title, part, gap] = await p.evaluate(() => {
        const h2 = document.getElementById('mapped-title')!;
        const h3 = document.querySelector('[aria-labelledby="mapped-title"] h3')!;
        const above = h3.previousElementSibling!;
        return [
          parseFloat(getComputedStyle(h2).fontSize),
          parseFloat(getComputedStyle(h3).fontSize),
          h3.getBoundingClientRect().top - above.getBoundingClientRect().bottom,
        ];
      });
      expect(part, screen).toBeLessThan(title);
      expect(gap, screen).toBeGreaterThanOrEqual(12);
      await shot(p, `${screen}-sales`);
    });
  }, 90_000);

  it('figures read in the bar’s words: stock value, a slot’s reading, the people list, the variance period', async () => {
    const p = screens!.pages.desktop;
    await p.goto(`${s.url}/#/`);
    expect(await p.getByTestId('dead-stock').textContent()).toMatch(/^\d+ items? unmoved in \d+ days$/);

    await p.goto(`${s.url}/#/shelves/${DEV}/cam-1`);
    const figures = p.locator('[data-slot="r1-s1"]').getByTestId('figures');
    await figures.waitFor();
    expect(await figures.textContent()).toMatch(/^bottle · 0\.87 left · \d+% sure$/);

    await p.goto(`${s.url}/#/people`);
    const me = p.locator(`tr[data-user="${OWNER.email}"] .name`);
    await me.waitFor();
    expect(await me.innerText()).toMatch(/\S \(you\)$/);

    // "To" is the last day counted: today, not tomorrow
    await p.goto(`${s.url}/#/variance`);
    const today = new Date().toISOString().slice(0, 10);
    expect(await p.getByLabel('To', { exact: true }).inputValue()).toBe(today);
    const report = p.waitForRequest((r) => r.url().includes('/variance?'));
    await p.getByLabel('From', { exact: true }).fill(today);
    const asked = new URL((await report).url());
    expect(asked.searchParams.get('to')).toBe(`${new Date(Date.parse(today) + 86_400_000).toISOString().slice(0, 10)}T00:00:00Z`);
    await shot(p, 'desktop-variance');
  }, 90_000);

  it('every page’s title sits on its subtitle by one rule (Audit and Devices had a gap of three lines)', async () => {
    const pages = ['audit', 'devices', 'variance', 'accuracy', 'forecast', 'forecast/accuracy', 'suppliers'];
    await screens!.each(async (p, screen) => {
      const gaps: Record<string, number> = {};
      for (const page of pages) {
        await p.goto(`${s.url}/#/${page}`);
        await p.locator('main h1').waitFor();
        // the subtitle: the first paragraph after the title, however the page wraps them
        gaps[page] = await p.evaluate(() => {
          const title = document.querySelector('main h1')!;
          const subtitle = [...document.querySelectorAll('main p')].find(
            (para) => title.compareDocumentPosition(para) & Node.DOCUMENT_POSITION_FOLLOWING,
          )!;
          return Math.round(subtitle.getBoundingClientRect().top - title.getBoundingClientRect().bottom);
        });
        if (page === 'audit' || page === 'devices') await shot(p, `${screen}-${page}`);
      }
      const one = gaps.audit!;
      expect(one, `${screen}: ${JSON.stringify(gaps)}`).toBeLessThanOrEqual(8);
      expect(gaps, screen).toEqual(Object.fromEntries(pages.map((page) => [page, one])));
    });
  }, 90_000);

  it('figures carry their unit, and a figure with no data says why', async () => {
    await screens!.each(async (p, screen) => {
      // a stock level in bottles, not a bare "0.87" (or "6.00" for six counted)
      await p.goto(`${s.url}/#/items/${s.demo.items['TITOS-750']}`);
      const level = p.locator(`[data-location="${s.demo.locations.mainBar}"]`).getByTestId('level');
      await expect.poll(() => level.textContent()).toBe('0.87 bottles');

      // no POS yet: not "– of revenue, – of lines"
      await p.goto(`${s.url}/#/`);
      const mapped = p.locator('[data-kpi="mapped"]');
      await mapped.waitFor();
      expect(await mapped.textContent()).toContain('no POS sales yet');
      expect(await mapped.textContent()).not.toContain('of lines');

      // not "actual –" and "0 measured, 53 not"
      await p.goto(`${s.url}/#/variance`);
      await expect.poll(() => p.getByTestId('pour-cost-note').textContent()).toBe('no POS sales in this period');
      expect(await p.getByTestId('measured-note').textContent()).toMatch(/^0 of \d+ items measured, by location$/);
      await shot(p, `${screen}-variance-empty`);

      await p.goto(`${s.url}/#/devices`);
      const camera = p.getByRole('article', { name: 'Back bar edge' });
      await expect.poll(() => camera.textContent()).toContain('Main Bar · 1 slot');
      expect(await camera.textContent()).not.toContain('1 slots');
    });
  }, 90_000);

  it('the slot editor names the camera and its slots as they were named, not by their ids', async () => {
    await screens!.each(async (p, screen) => {
      await p.goto(`${s.url}/#/devices/${DEV}/slots/cam-1`);
      await expect.poll(() => p.getByRole('heading', { level: 1 }).textContent()).toBe('Slots of Back bar left');
      const slot = p.getByRole('list', { name: 'Slots' }).getByRole('listitem').first();
      expect(await slot.locator('strong').textContent()).toBe('Row 1, slot 1');
      expect(await slot.getByRole('button', { name: 'Delete Row 1, slot 1' }).count()).toBe(1);
      await shot(p, `${screen}-slots`);
    });
  }, 60_000);

  it('forecast accuracy with nothing tested yet says so, not "All 0 tested forecasts" over a table of dashes', async () => {
    await screens!.each(async (p, screen) => {
      // the item's page makes its forecast; it has no sales history to test
      await p.goto(`${s.url}/#/items/${s.demo.items['TITOS-750']}`);
      await p.getByRole('heading', { name: /Expected sales/ }).waitFor();
      await p.goto(`${s.url}/#/forecast/accuracy`);
      const pooled = p.getByTestId('pooled');
      await expect.poll(() => pooled.getByRole('heading').textContent()).toBe('No forecast tested yet');
      expect(await pooled.getByTestId('none-tested').textContent()).toMatch(/too little sales history to\s+test yet/);
      expect(await pooled.getByRole('table').count()).toBe(0);
      // said once, not twice over
      expect((await pooled.textContent())!.match(/too little sales history/gi)).toHaveLength(1);
      await shot(p, `${screen}-forecast-accuracy`);
    });
  }, 60_000);

  it('a manager who follows a link to an owner’s page is told it is the owner’s, not shown a failed load', async () => {
    const manager = { email: 'max@anchor.test', password: 'a manager password', name: 'Max Manager' };
    expect((await api('POST', '/users', { ...manager, role: 'manager' })).status).toBe(201);
    await s.cloud.db.query('UPDATE users SET must_change_password = false WHERE email = $1', [manager.email]);
    const page = await (await screens!.browser.newContext(PHONE)).newPage();
    page.setDefaultTimeout(20_000);
    try {
      await signIn(page, s.url, manager);
      for (const [route, what] of [
        ['audit', 'The audit log'],
        ['organisation', 'The organisation page'],
      ] as const) {
        await page.goto(`${s.url}/#/${route}`);
        await expect
          .poll(() => page.getByTestId('owner-only').textContent())
          .toMatch(new RegExp(`^\\s*${what} is for the organisation's owner only`));
        expect(await page.locator('main h1').count(), route).toBe(0);
      }
      await shot(page, 'phone-manager-owner-only');
    } finally {
      await page.context().close();
    }
  }, 60_000);

  it('the phone’s More menu is a landmark of its own, so a screen reader finds its sections', async () => {
    const p = screens!.pages.phone;
    await p.goto(`${s.url}/#/`);
    await p.getByRole('button', { name: 'More', exact: true }).click();
    await p.getByRole('list', { name: 'More sections' }).waitFor();
    await p.addScriptTag({ content: readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8') });
    // axe's "region": content outside every landmark; the menu's lists and buttons were
    const outside = (
      (await p.evaluate(
        `axe.run(document, { runOnly: ['region'] }).then((r) => r.violations.flatMap((v) => v.nodes.map((n) => n.target.join(' '))))`,
      )) as string[]
    ).filter((target) => /more-menu|More sections/.test(target));
    expect(outside).toEqual([]);
    expect(await p.getByRole('region', { name: 'More' }).getByRole('link', { name: 'Variance' }).count()).toBe(1);
    await shot(p, 'phone-more');
    await p.keyboard.press('Escape');
  }, 60_000);
});

// Issue 26 item 6, the forecast on the dashboard, in real Chromium against the real cloud at 390 px
// and on a desktop: expected sales on the item page, days of stock left on Items and the Overview,
// the Forecast settings with the API's field errors, and the forecast accuracy table. Screenshots in test/screenshots/26-*.png.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { phoneAndDesktop, sidewaysOverflow, SHOTS, type PhoneAndDesktop, type Screen } from './support/browser';
import { OWNER, startStack, type Stack } from './support/stack';

const TITOS = "Tito's Handmade Vodka";

describe('the forecast on the dashboard', () => {
  let s: Stack;
  let screens: PhoneAndDesktop | undefined;
  let item: string;
  let mainBar: string;
  const shot = (p: Page, name: string) => p.screenshot({ path: `${SHOTS}26-${name}.png`, fullPage: true });
  const each = (fn: (p: Page, kind: Screen) => Promise<void>) => screens!.each(fn);
  const overflow = sidewaysOverflow;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    s = await startStack();
    const ownerToken = await s.login(OWNER.email, OWNER.password);
    item = s.demo.items['TITOS-750']!;
    mainBar = s.demo.locations.mainBar;
    // ten weeks of POS sales through yesterday: 5 a day, 10 on Saturdays (as cloud/test/api/forecast.test.ts)
    await s.cloud.db.query(
      `INSERT INTO transactions (org_id, item_id, location_id, type, quantity, at)
       SELECT $1, $2, $3, 'SALE', CASE WHEN extract(isodow FROM d) = 6 THEN -10 ELSE -5 END, d + interval '20 hours'
       FROM generate_series(date_trunc('day', now()) - interval '70 days', date_trunc('day', now()) - interval '1 day', interval '1 day') d`,
      [s.cloud.orgId, item, mainBar],
    );
    // 8 left: about a day and a half of sales
    const count = await s.api(
      'POST',
      `/api/v1/inventory/items/${item}/adjust`,
      { locationId: mainBar, type: 'COUNT', quantity: 8 },
      ownerToken,
    );
    expect(count.status).toBe(201);
    // the days of stock left come from the forecasts kept; the nightly refit keeps them, here one read does
    expect((await s.api('GET', `/api/v1/forecast?item_id=${item}&location_id=${mainBar}`, undefined, ownerToken)).status).toBe(200);
    screens = await phoneAndDesktop(s.url, OWNER);
  }, 240_000);

  afterAll(async () => {
    await screens?.close();
    await s?.close();
  }, 60_000);

  it('the item page shows the next 7 days of expected sales with the model, its reasons and the days of stock left', async () => {
    await each(async (p, kind) => {
      await p.goto(`${s.url}/#/items/${item}`);
      const panel = p.getByTestId('expected-sales');
      const at = panel.locator(`[data-location="${mainBar}"]`);
      const bars = at.getByRole('list', { name: 'Expected sales per day' }).getByRole('listitem');
      await bars.first().waitFor();
      expect(await bars.count()).toBe(7);
      // about 5 a day, so each day's label reads a number near it
      const nums = (await at.locator('.num').allTextContents()).map(Number);
      expect(
        nums.every((n) => n > 2 && n < 15),
        nums.join(','),
      ).toBe(true);
      expect(await at.getByTestId('days-left').textContent()).toMatch(/^\s*(~[12] days?|under a day) of stock left\s*$/);
      expect(await at.getByTestId('days-left').evaluate((e) => e.classList.contains('soon'))).toBe(true);
      // no sales recorded on the rooftop: one line, not seven empty bars
      await panel.locator(`[data-location="${s.demo.locations.rooftop}"]`).getByTestId('no-sales').waitFor();
      const how = at.locator('details');
      expect(await how.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
      await how.locator('summary').click();
      expect(await how.textContent()).toMatch(/Fitted on sales through \d{4}-\d\d-\d\d/);
      expect(await overflow(p), kind).toBeLessThanOrEqual(1);
      await panel.scrollIntoViewIfNeeded();
      await shot(p, `item-${kind}`);
    });
  });

  it('the Items list says how many days of stock are left', async () => {
    await each(async (p, kind) => {
      await p.goto(`${s.url}/#/items`);
      const row = p.getByRole('list', { name: 'Items' }).getByRole('listitem').filter({ hasText: TITOS });
      const left = row.getByTitle('Days of stock left at the forecast demand');
      await left.waitFor();
      expect(await left.textContent()).toMatch(/~[12] days?|under a day/);
      expect(await overflow(p), kind).toBeLessThanOrEqual(1);
      await shot(p, `items-${kind}`);
    });
  });

  it('the Overview lists what runs out within 3 days, soonest first', async () => {
    await each(async (p, kind) => {
      await p.goto(`${s.url}/#/`);
      const soon = p.getByRole('list', { name: 'Running out soon' });
      await soon.getByRole('link', { name: TITOS }).waitFor();
      // only the item with sales has a forecast that ends within 3 days
      expect(await soon.getByRole('listitem').count()).toBe(1);
      expect(await overflow(p), kind).toBeLessThanOrEqual(1);
      await shot(p, `overview-${kind}`);
    });
  });

  it('Forecast settings: venue, country, iCal feeds and events, with the API’s field errors', async () => {
    await each(async (p, kind) => {
      await p.goto(`${s.url}/#/`);
      const nav = p.getByRole('navigation', { name: 'Main' });
      if (kind === 'phone') {
        await nav.getByRole('button', { name: 'More' }).click();
        await p.getByRole('list', { name: 'More sections' }).getByRole('link', { name: 'Forecast' }).click();
      } else await nav.getByRole('link', { name: 'Forecast' }).click();
      await p.getByRole('heading', { name: 'Forecast', exact: true }).waitFor();
      const form = p.locator('form').filter({ has: p.getByRole('heading', { name: 'Venue' }) });
      const save = () => form.getByRole('button', { name: 'Save' }).click();

      await p.getByLabel('Latitude').fill('95');
      await p.getByLabel('Longitude').fill('-0.12');
      await save();
      expect(await form.getByRole('alert').textContent()).toMatch(/latitude/i);
      expect(await p.getByLabel('Latitude').getAttribute('aria-invalid')).toBe('true');

      await p.getByLabel('Latitude').fill('51.5');
      await p.getByLabel('Country for public holidays').fill('ZZ');
      await save();
      expect(await form.getByRole('alert').textContent()).toContain('"ZZ" is not a country code');

      await p.getByLabel('Country for public holidays').fill('gb');
      await p.getByLabel(/Event calendars/).fill('https://example.com/a.ics\nftp://example.com/b.ics');
      await save();
      expect(await form.getByRole('alert').textContent()).toMatch(/^Line 2: /);

      await p.getByLabel(/Event calendars/).fill('https://example.com/a.ics');
      await save();
      await p.getByText('Forecast settings saved').first().waitFor();
      expect(await form.getByRole('alert').count()).toBe(0);
      await shot(p, `settings-${kind}`);
    });
    const saved = await s.api(
      'GET',
      `/api/v1/forecast/calendar?venue_id=${s.demo.venueId}`,
      undefined,
      await s.login(OWNER.email, OWNER.password),
    );
    expect(saved.body).toEqual({ latitude: 51.5, longitude: -0.12, country: 'GB', icalUrls: ['https://example.com/a.ics'] });
  });

  it('events are added and removed by hand; a missing name is named', async () => {
    await each(async (p, kind) => {
      const events = p.getByRole('list', { name: 'Events' });
      const add = p.locator('form.add');
      const day = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
      await add.getByLabel('Day').fill(day);
      await add.getByLabel('Name').fill('   ');
      await add.getByRole('button', { name: 'Add event' }).click();
      expect(await p.getByRole('alert').textContent()).toContain('name the event');
      await add.getByLabel('Name').fill(`Quiz night ${kind}`);
      await add.getByRole('button', { name: 'Add event' }).click();
      await events.getByText(`Quiz night ${kind}`).waitFor();
      expect(await p.getByRole('alert').count()).toBe(0);
      expect(await overflow(p), kind).toBeLessThanOrEqual(1);
      await shot(p, `events-${kind}`);
      await events.getByRole('button', { name: `Remove Quiz night ${kind} on ${day}` }).click();
      await events.getByText(`Quiz night ${kind}`).waitFor({ state: 'detached' });
    });
  });

  it('Forecast accuracy: the pooled line on top, then per item the model and its figures beside the simple guesses', async () => {
    const token = await s.login(OWNER.email, OWNER.password);
    // a second series whose sales vary, so its MASE has a scale: 2 to 6 a day
    const jameson = s.demo.items['JAMESON-750']!;
    await s.cloud.db.query(
      `INSERT INTO transactions (org_id, item_id, location_id, type, quantity, at)
       SELECT $1, $2, $3, 'SALE', -(2 + (extract(doy FROM d)::int * 7) % 5), d + interval '21 hours'
       FROM generate_series(date_trunc('day', now()) - interval '70 days', date_trunc('day', now()) - interval '1 day', interval '1 day') d`,
      [s.cloud.orgId, jameson, mainBar],
    );
    const count = await s.api(
      'POST',
      `/api/v1/inventory/items/${jameson}/adjust`,
      { locationId: mainBar, type: 'COUNT', quantity: 40 },
      token,
    );
    expect(count.status).toBe(201);
    expect((await s.api('GET', `/api/v1/forecast?item_id=${jameson}&location_id=${mainBar}`, undefined, token)).status).toBe(200);
    const metrics = await s.api('GET', `/api/v1/forecast/accuracy-metrics?venue_id=${s.demo.venueId}`, undefined, token);
    type Score = { mase: number | null; wape: number | null; cover80: number | null } | null;
    const body = metrics.body as { series: { itemId: string; chosen: Score; seasonalNaive: Score; naive: Score }[] };
    // Tito's and Jameson at the main bar, and any series an item page fitted at the rooftop (no sales there)
    const n = body.series.length;
    expect(n).toBeGreaterThanOrEqual(2);
    const jam = body.series.find((x) => x.itemId === jameson)!;
    expect(jam.chosen?.mase).toBeTypeOf('number');

    await each(async (p, kind) => {
      await p.goto(`${s.url}/#/forecast`);
      await p.getByRole('link', { name: 'How accurate are the forecasts?' }).click();
      await p.getByRole('heading', { name: 'Forecast accuracy' }).waitFor();
      const pooled = p.getByTestId('pooled');
      // the pooled line counts the series with a backtest; the rooftop's have none and are said to be untested
      const tested = body.series.filter((x) => x.chosen !== null).length;
      expect(await pooled.getByRole('heading').textContent()).toBe(`All ${tested} tested forecasts`);
      if (tested < n) expect(await pooled.textContent()).toContain(`${n - tested} more`);
      // the pooled line comes before the items
      const order = await p.locator('[data-testid="pooled"], ul.items').evaluateAll((els) => els.map((e) => e.tagName));
      expect(order).toEqual(['ARTICLE', 'UL']);
      const items = p.getByRole('list', { name: 'Forecast accuracy per item' }).getByRole('listitem');
      expect(await items.count()).toBe(n);
      const row = items.filter({ hasText: 'Jameson Irish Whiskey' });
      expect(await row.getByTestId('model').textContent()).toMatch(/\S/);
      const cell = (figure: string, method: string) => row.locator(`td[data-figure="${figure}"][data-method="${method}"]`).textContent();
      // the cells say what the API says, in its rounding
      expect(await cell('mase', 'chosen')).toBe(jam.chosen!.mase!.toFixed(2));
      expect(await cell('mase', 'seasonalNaive')).toBe(jam.seasonalNaive!.mase!.toFixed(2));
      expect(await cell('mase', 'naive')).toBe(jam.naive!.mase!.toFixed(2));
      expect(await cell('wape', 'chosen')).toBe(`${Math.round(jam.chosen!.wape! * 100)} %`);
      expect(await cell('cover80', 'chosen')).toMatch(/^(\d+ %|–)$/);
      // one plain sentence against both guesses
      expect(await row.locator('.verdict').textContent()).toMatch(/“same day last week”.*“same as yesterday”/);
      // and what the figures mean, in words
      expect(await p.getByText('What the numbers mean').isVisible()).toBe(true);
      expect(await p.locator('dl').textContent()).toMatch(/Below 1 beats repeating last\s+week/);
      expect(await overflow(p), kind).toBeLessThanOrEqual(1);
      await shot(p, `accuracy-${kind}`);
    });
  });
});

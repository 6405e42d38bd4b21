// Issue 28, "statuses that tell the truth" and "a phone that fits", in real Chromium against the
// real cloud, each at 390 px and on a desktop, with screenshots in test/screenshots/.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { TOPICS } from '@smartstock/protocol';
import { makeOnlineStatus } from '@smartstock/protocol/testing';
import { DESKTOP, PHONE, phoneAndDesktop, sidewaysOverflow, signIn, SHOTS, type PhoneAndDesktop, type Screen } from './support/browser';
import { DEV, OWNER, startStack, type Stack } from './support/stack';

/** two shelf rows, entered out of order; the shelf page shows them by row, slot 2 before slot 10 */
const SLOTS = [
  ['r1-s10', 'Row 1, slot 10', 'TITOS-750'],
  ['r2-s1', 'Row 2, slot 1', 'MAKERS-750'],
  ['r1-s1', 'Row 1, slot 1', 'JAMESON-750'],
  ['r1-s11', 'Row 1, slot 11', 'GREYGOOSE-750'],
  ['r2-s2', 'Row 2, slot 2', 'BULLEIT-750'],
  ['r1-s2', 'Row 1, slot 2', 'PATRON-750'],
  ['r2-s3', 'Row 2, slot 3', 'KRAKEN-750'],
] as const;

describe('the manager’s day: statuses and a phone that fits', () => {
  let s: Stack;
  let screens: PhoneAndDesktop | undefined;
  let ownerToken: string;
  const shot = (p: Page, name: string) => p.screenshot({ path: `${SHOTS}28-${name}.png`, fullPage: true });
  const each = (fn: (p: Page, kind: Screen) => Promise<void>) => screens!.each(fn);
  const overflow = sidewaysOverflow;
  const cameraStatus = (state: 'streaming' | 'stale') =>
    s.device.mqtt.publishAsync(
      TOPICS.status(DEV),
      JSON.stringify(
        makeOnlineStatus({
          deviceId: DEV,
          cameras: [
            { id: 'cam-1', state, fps: state === 'stale' ? 0 : 0.5, lastFrameAt: new Date().toISOString(), restarts: 0, droppedFrames: 0 },
          ],
        }),
      ),
      { qos: 1, retain: true },
    );

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    s = await startStack();
    ownerToken = await s.login(OWNER.email, OWNER.password);
    expect((await s.api('POST', '/api/v1/devices', { id: DEV, venueId: s.demo.venueId, name: 'Back bar edge' }, ownerToken)).status).toBe(
      201,
    );
    const slots = SLOTS.map(([id, name, sku]) => {
      const row = id.startsWith('r1') ? 0.2 : 0.6;
      const col = Number(id.split('-s')[1]) / 12;
      return {
        id,
        name,
        itemId: s.demo.items[sku],
        polygon: [
          [col, row],
          [col + 0.07, row],
          [col + 0.07, row + 0.3],
          [col, row + 0.3],
        ],
      };
    });
    const cams = [{ id: 'cam-1', name: 'Back bar left', locationId: s.demo.locations.mainBar, url: 'rtsp://10.0.0.5/stream1', slots }];
    expect((await s.api('PUT', `/api/v1/devices/${DEV}/cameras`, { cameras: cams }, ownerToken)).status).toBe(200);
    await s.device.serve();
    await s.device.observe(SLOTS.map(([slotId, , sku], i) => ({ slotId, sku, fills: [1, 0.5 + i * 0.05] })));
    screens = await phoneAndDesktop(s.url, OWNER);
  }, 240_000);

  afterAll(async () => {
    await screens?.close();
    await s?.close();
  }, 60_000);

  it('every section is in reach: a bottom bar with More on a phone, a tab row on a desktop (item 9)', async () => {
    await each(async (p, kind) => {
      await p.goto(`${s.url}/#/`);
      await p.getByRole('heading', { name: 'The Anchor' }).waitFor();
      const nav = p.getByRole('navigation', { name: 'Main' });
      expect(await nav.evaluate((n) => n.scrollWidth - n.clientWidth), kind).toBeLessThanOrEqual(1);
      expect(await overflow(p), kind).toBeLessThanOrEqual(1);
      if (kind === 'phone') {
        for (const name of ['Overview', 'Items', 'Shelves', 'Alerts'])
          expect(await nav.getByRole('link', { name }).isVisible(), name).toBe(true);
        expect(await nav.getByRole('link', { name: 'People' }).isVisible()).toBe(false);
        const box = (await nav.boundingBox())!;
        expect(box.y + box.height).toBeCloseTo(844, 0);
        await nav.getByRole('button', { name: 'More' }).click();
        const more = p.getByRole('list', { name: 'More sections' });
        for (const name of ['Devices', 'Notifications', 'People']) await more.getByRole('link', { name }).waitFor();
        await p.getByRole('button', { name: 'Sign out' }).waitFor();
        await shot(p, '09-phone-more');
        await more.getByRole('link', { name: 'People' }).click();
        await p.getByRole('heading', { name: 'People' }).waitFor();
        expect(await more.count()).toBe(0);
      } else {
        for (const name of ['Overview', 'Items', 'Shelves', 'Alerts', 'Devices', 'Notifications', 'People'])
          expect(await nav.getByRole('link', { name }).isVisible(), name).toBe(true);
        expect(await nav.getByRole('button', { name: 'More' }).isVisible()).toBe(false);
        await shot(p, '09-desktop-nav');
      }
    });
  }, 90_000);

  it('People and Items fit a 390 px screen (item 10)', async () => {
    expect(
      (
        await s.api(
          'POST',
          '/api/v1/users',
          { email: 'bea@anchor.test', password: 'a long bartender password', name: 'Bea Bartender', role: 'bartender' },
          ownerToken,
        )
      ).status,
    ).toBe(201);
    await each(async (p, kind) => {
      const width = kind === 'phone' ? 390 : 1280;
      // from elsewhere, so the list is read again with Bea in it
      await p.goto(`${s.url}/#/items`);
      await p.goto(`${s.url}/#/people`);
      const remove = p.getByRole('button', { name: 'Remove' });
      await remove.waitFor();
      const add = p.getByRole('button', { name: 'Add', exact: true });
      for (const el of [
        remove,
        add,
        p.getByLabel('Role of Bea Bartender'),
        p.getByLabel('First password'),
        // the role choices of both forms: invite by link, and add someone
        ...(await p.locator('form.invite select').all()),
      ]) {
        await el.scrollIntoViewIfNeeded();
        const b = (await el.boundingBox())!;
        expect(b.x, kind).toBeGreaterThanOrEqual(0);
        expect(b.x + b.width, kind).toBeLessThanOrEqual(width);
      }
      expect(await overflow(p), kind).toBeLessThanOrEqual(1);
      await shot(p, `10-${kind}-people`);
      await p.goto(`${s.url}/#/items`);
      await p
        .getByRole('button', { name: /Count or adjust/ })
        .first()
        .waitFor();
      const search = (await p.locator('.filters input[type=search]').boundingBox())!;
      const location = (await p.locator('.filters select').first().boundingBox())!;
      const apart =
        search.x + search.width <= location.x || location.x + location.width <= search.x || search.y + search.height <= location.y;
      expect(apart, `${kind}: the search box and the Location filter overlap`).toBe(true);
      expect(await overflow(p), kind).toBeLessThanOrEqual(1);
      await shot(p, `10-${kind}-items`);
    });
  }, 90_000);

  it('the shelf: rows in slot order, a compact grid, the picture kept in view (item 11)', async () => {
    await each(async (p, kind) => {
      await p.goto(`${s.url}/#/shelves/${DEV}/cam-1`);
      await p.locator('[data-slot="r2-s3"]').getByTestId('count').waitFor();
      const rows = p.locator('section.shelf-row');
      expect(await rows.locator('h2').allTextContents()).toEqual(['Row 1 4 slots', 'Row 2 3 slots']);
      expect(
        await rows
          .nth(0)
          .locator('[data-slot]')
          .evaluateAll((els) => els.map((e) => e.getAttribute('data-slot'))),
      ).toEqual(['r1-s1', 'r1-s2', 'r1-s10', 'r1-s11']);
      // a compact grid: at least two slots side by side, even on a phone
      const [a, b] = [(await p.locator('[data-slot="r1-s1"]').boundingBox())!, (await p.locator('[data-slot="r1-s2"]').boundingBox())!];
      expect(a.y, kind).toBe(b.y);
      expect(await overflow(p), kind).toBeLessThanOrEqual(1);
      await shot(p, `11-${kind}-shelf`);
      const pin = p.getByRole('button', { name: /Keep picture in view|Unpin picture/ });
      if ((await pin.getAttribute('aria-pressed')) !== 'true') await pin.click();
      await p.locator('[data-slot="r2-s3"]').scrollIntoViewIfNeeded();
      await p.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      const frame = (await p.locator('.frame').boundingBox())!;
      const height = kind === 'phone' ? PHONE.viewport.height : DESKTOP.viewport.height;
      expect(frame.y, `${kind}: the pinned picture scrolled away`).toBeGreaterThanOrEqual(-1);
      expect(frame.y + frame.height, `${kind}: the pinned picture scrolled away`).toBeLessThanOrEqual(height);
      await p.screenshot({ path: `${SHOTS}28-11-${kind}-shelf-scrolled.png` });
    });
  }, 90_000);

  it('a slot is stale only while its camera is (item 4)', async () => {
    const stale = (p: Page) => p.locator('li.slot-card[data-state="stale"]').count();
    await each(async (p) => {
      await p.goto(`${s.url}/#/shelves/${DEV}/cam-1`);
      await p.locator('[data-slot="r2-s3"]').getByTestId('count').waitFor();
    });
    // the camera stops: the device says so, and files its slots' last values as stale
    await cameraStatus('stale');
    await s.device.observe(SLOTS.map(([slotId, , sku], i) => ({ slotId, sku, fills: [1, 0.5 + i * 0.05], state: 'stale' as const })));
    await each(async (p, kind) => {
      await expect.poll(() => stale(p), { timeout: 20_000 }).toBe(SLOTS.length);
      await shot(p, `04-${kind}-camera-stale`);
    });
    // frames again: the device reports the one slot that changed, and says the camera streams; the
    // other slots are unchanged, so it sends nothing for them until its heartbeat minutes later
    await s.device.observe([{ slotId: 'r1-s1', sku: 'JAMESON-750', fills: [1] }]);
    await cameraStatus('streaming');
    await each(async (p, kind) => {
      await expect.poll(() => stale(p), { timeout: 20_000 }).toBe(0);
      expect(await p.locator('[data-slot="r2-s3"]').getByText('Live').count(), kind).toBe(1);
      await shot(p, `04-${kind}-camera-back`);
    });
    // Devices agrees with the shelf
    await screens!.pages.desktop.goto(`${s.url}/#/devices`);
    await screens!.pages.desktop
      .getByText(/streaming/)
      .first()
      .waitFor();
  }, 90_000);

  it('the item chart: a range choice, the smallest that holds the history by default, today marked (item 12)', async () => {
    const jameson = s.demo.items['JAMESON-750']!;
    expect(
      (
        await s.api(
          'POST',
          `/api/v1/inventory/items/${jameson}/adjust`,
          { locationId: s.demo.locations.mainBar, type: 'COUNT', quantity: 3 },
          ownerToken,
        )
      ).status,
    ).toBe(201);
    await each(async (p, kind) => {
      await p.goto(`${s.url}/#/items/${jameson}`);
      await p.locator('.chart canvas').first().waitFor();
      const period = p.getByRole('radiogroup', { name: 'Period' });
      // everything this item has is from today: the 24 hours view, not a dot at the edge of a week
      await expect.poll(() => period.getByRole('radio', { name: '24 hours' }).isChecked()).toBe(true);
      await p.getByRole('heading', { name: 'Level over the last 24 hours' }).waitFor();
      // the count made a minute ago is drawn (a lone point among close ones once was not)
      const countPixels = () =>
        p
          .locator('.chart canvas')
          .first()
          .evaluate((c: HTMLCanvasElement) => {
            const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 0; i < d.length; i += 4)
              if (Math.abs(d[i]! - 0x79) < 14 && Math.abs(d[i + 1]! - 0xb8) < 14 && Math.abs(d[i + 2]! - 0xff) < 14) n++;
            return n;
          });
      await expect.poll(countPixels).toBeGreaterThan(10);
      expect(await overflow(p), kind).toBeLessThanOrEqual(1);
      await shot(p, `12-${kind}-chart-24h`);
      await period.getByText('30 days').click();
      await p.getByRole('heading', { name: 'Level over the last 30 days' }).waitFor();
      expect(await period.getByRole('radio', { name: '30 days' }).isChecked()).toBe(true);
      await shot(p, `12-${kind}-chart-30d`);
    });
  }, 90_000);

  it('notifications say what only goes to the in-app list, and send a test message per person and channel (item 7)', async () => {
    await each(async (p, kind) => {
      await p.goto(`${s.url}/#/notifications`);
      await p
        .getByTestId('recorded-only')
        .getByText(/Nothing leaves this installation/)
        .waitFor();
      await p.getByRole('button', { name: 'Send a test In-app list to Olivia Owner' }).click();
      await p.getByText(/Test In-app list for Olivia Owner: one message recorded in the list below/).waitFor();
      const sent = p.getByRole('list', { name: 'Messages sent' });
      await sent
        .getByText(/SmartStock test: this is how alerts reach Olivia Owner/)
        .first()
        .waitFor({ timeout: 20_000 });
      expect(await overflow(p), kind).toBeLessThanOrEqual(1);
      await shot(p, `07-${kind}-notifications`);
    });
  }, 90_000);

  it('the mic: hidden without speech recognition, gone with a word where there is no speech service (item 8)', async () => {
    for (const opts of [PHONE, DESKTOP]) {
      const none = await screens!.browser.newContext(opts);
      await none.addInitScript(() => {
        delete (window as { webkitSpeechRecognition?: unknown }).webkitSpeechRecognition;
        delete (window as { SpeechRecognition?: unknown }).SpeechRecognition;
      });
      const a = await none.newPage();
      await signIn(a, s.url, OWNER);
      await a.getByRole('textbox', { name: 'Command' }).waitFor();
      expect(await a.getByRole('button', { name: 'Speak a command' }).count()).toBe(0);
      await none.close();

      // the API is there, but recognition fails as Chromium does without Google's speech service
      const broken = await screens!.browser.newContext(opts);
      await broken.addInitScript(() => {
        class NoService {
          lang = '';
          interimResults = false;
          onerror: ((e: { error: string }) => void) | null = null;
          onend: (() => void) | null = null;
          onresult = null;
          start() {
            setTimeout(() => (this.onerror?.({ error: 'network' }), this.onend?.()), 50);
          }
        }
        // Chromium has both names
        Object.assign(window, { SpeechRecognition: NoService, webkitSpeechRecognition: NoService });
      });
      const b = await broken.newPage();
      await signIn(b, s.url, OWNER);
      await b.getByRole('button', { name: 'Speak a command' }).click();
      await b.getByText(/Voice commands are not available in this browser/).waitFor();
      await expect.poll(() => b.getByRole('button', { name: 'Speak a command' }).count()).toBe(0);
      await b.screenshot({ path: `${SHOTS}28-08-${opts === PHONE ? 'phone' : 'desktop'}-no-speech.png` });
      // and it stays gone on this device
      await b.reload();
      await b.getByRole('textbox', { name: 'Command' }).waitFor();
      expect(await b.getByRole('button', { name: 'Speak a command' }).count()).toBe(0);
      await broken.close();
    }
  }, 180_000);

  it('PNG icons and an apple-touch-icon for the home screen (item 13)', async () => {
    const p = screens!.pages.phone;
    await p.goto(`${s.url}/#/`);
    const manifest = await p.evaluate(async () => (await fetch('/manifest.webmanifest')).json());
    const icons = manifest.icons as { src: string; sizes: string; type: string; purpose: string }[];
    expect(icons.filter((i) => i.type === 'image/png').map((i) => [i.sizes, i.purpose])).toEqual([
      ['192x192', 'any'],
      ['512x512', 'any'],
      ['512x512', 'maskable'],
    ]);
    const apple = await p.locator('link[rel="apple-touch-icon"]').getAttribute('href');
    const sizes = await p.evaluate(
      (srcs) =>
        Promise.all(
          srcs.map(
            (src) =>
              new Promise<string>((resolve, reject) => {
                const img = new Image();
                img.onload = () => resolve(`${img.naturalWidth}x${img.naturalHeight}`);
                img.onerror = () => reject(new Error(`${src} did not load`));
                img.src = src;
              }),
          ),
        ),
      [...icons.filter((i) => i.type === 'image/png').map((i) => i.src), apple!],
    );
    expect(sizes).toEqual(['192x192', '512x512', '512x512', '180x180']);
  });
});

// The shelf page of a camera that has not sent its first frame yet, in real Chromium against the
// real cloud: it says plainly what it waits for, and shows the picture as soon as the device says
// frames have started (not at the next slow retry, not only on Refresh); slot names keep their words whole;
// a camera the device does not have is said to be missing; the devices page's ages keep up with the clock;
// the overview says what a location nothing counted waits for.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openPage, SHOTS, signIn } from './support/browser';
import { DEV, OWNER, startStack, type Stack } from './support/stack';

describe('the shelf page before the camera sends its first frame', () => {
  let s: Stack;
  let browser: Browser;
  let page: Page;
  let asked = 0;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    s = await startStack();
    const ownerToken = await s.login(OWNER.email, OWNER.password);
    expect((await s.api('POST', '/api/v1/devices', { id: DEV, venueId: s.demo.venueId, name: 'Back bar edge' }, ownerToken)).status).toBe(
      201,
    );
    const square = (x: number): [number, number][] => [
      [x, 0.1],
      [x + 0.1, 0.1],
      [x + 0.1, 0.5],
      [x, 0.5],
    ];
    // names long enough to need two lines in a narrow card, beside a state label
    const slots = ['TITOS-750', 'JWBLACK-750', 'LAPHROAIG10-700', 'HENDRICKS-750'].map((sku, i) => ({
      id: `slot-${i + 1}`,
      itemId: s.demo.items[sku],
      polygon: square(0.1 + i * 0.2),
    }));
    const cams = [{ id: 'cam-1', name: 'Back bar left', locationId: s.demo.locations.mainBar, url: 'rtsp://10.0.0.5/stream1', slots }];
    expect((await s.api('PUT', `/api/v1/devices/${DEV}/cameras`, { cameras: cams }, ownerToken)).status).toBe(200);
    // as an agent just started: the camera connecting, no frame to give
    s.device.snapshotError = 'camera "cam-1" has no frame yet';
    await s.device.serve();
    await s.device.status({ firstFrame: false });
    s.device.mqtt.on('message', (topic) => topic.endsWith('/snapshot/req') && asked++);
    await s.device.observe([
      { slotId: 'slot-1', sku: 'TITOS-750', fills: [1], state: 'occluded' },
      { slotId: 'slot-2', sku: 'JWBLACK-750', fills: [0.5] },
      { slotId: 'slot-3', sku: 'LAPHROAIG10-700', fills: [0.3], state: 'occluded' },
      { slotId: 'slot-4', sku: 'HENDRICKS-750', fills: [0.8] },
    ]);
    ({ browser, page } = await openPage({ width: 1280, height: 860 }));
    // the retry's timers stand still from here: only the device's status can bring the picture
    await page.clock.install();
    await signIn(page, s.url, OWNER);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await s?.close();
  }, 60_000);

  it('says what it is waiting for, then shows the picture when the frames start', async () => {
    await page.goto(`${s.url}/#/shelves/${DEV}/cam-1`);
    const frame = page.locator('.frame');
    await frame.getByText("Waiting for the camera's first picture").waitFor();
    await frame.getByText('Camera "cam-1" has not sent its first picture yet: it is connecting.').waitFor();
    await frame.getByText('appears here by itself').waitFor();
    await page.clock.pauseAt(Date.now() + 60_000);
    expect(asked).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: SHOTS + 'first-frame-waiting.png' });

    s.device.snapshotError = undefined;
    await s.device.status({ firstFrame: true });
    await page.getByRole('img', { name: 'Latest frame of camera cam-1' }).waitFor();
    await expect.poll(() => frame.getByText("Waiting for the camera's first picture").count()).toBe(0);
    await page.screenshot({ path: SHOTS + 'first-frame-shown.png' });
  });

  it('keeps every word of a slot name whole beside its state', async () => {
    // the camera streaming: the occluded slots say so, a label long enough to crowd the name
    await s.device.status({ firstFrame: true });
    await expect.poll(() => page.locator('.slot-card .state', { hasText: 'Occluded' }).count()).toBe(2);
    const names = page.locator('.slot-card .name');
    await expect.poll(() => names.count()).toBe(4);
    // a word broken over two lines has more than one line box
    const broken = await names.evaluateAll((els) =>
      els.flatMap((el) => {
        const text = el.firstChild!;
        const out: string[] = [];
        for (const m of (text.textContent ?? '').matchAll(/\S+/g)) {
          const r = document.createRange();
          r.setStart(text, m.index);
          r.setEnd(text, m.index + m[0].length);
          if (r.getClientRects().length > 1) out.push(m[0]);
        }
        return out;
      }),
    );
    expect(broken).toEqual([]);
  });

  it('keeps the devices page ages true while it stays open', async () => {
    await page.goto(`${s.url}/#/devices`);
    const lastSeen = page.locator('dt', { hasText: 'Last seen' }).locator('xpath=following-sibling::dd');
    const camera = page.getByRole('list', { name: 'Cameras of Back bar edge' }).getByText(/fps ·/);
    // streaming: the age is the device's report's, not a stalled frame's
    await camera.getByText(/reported \d+/).waitFor();
    expect(await camera.textContent()).not.toMatch(/last frame/);
    const minutes = async (l: typeof lastSeen) => Number(/(\d+) min ago/.exec((await l.textContent()) ?? '')?.[1] ?? 0);
    const before = await minutes(lastSeen);
    await page.clock.runFor(10 * 60_000); // the page left open ten minutes, nothing heard from the device
    await expect.poll(() => minutes(lastSeen)).toBeGreaterThanOrEqual(before + 10);
    await expect.poll(() => minutes(camera)).toBeGreaterThanOrEqual(10);
  });

  it('says on the overview what a location that nothing counted waits for, once', async () => {
    await page.goto(`${s.url}/#/`);
    const rooftop = page.getByRole('article', { name: /^Rooftop/ });
    await rooftop.getByText(/^Nothing counted here yet: \d+ items wait for a shelf camera's reading or a count/).waitFor();
    expect(await rooftop.getByText('not counted yet').count()).toBe(0);
  });

  it('says so of a camera the device does not have, and asks the device nothing', async () => {
    const before = asked;
    await page.goto(`${s.url}/#/shelves/${DEV}/cam-9`);
    await page.getByRole('status').getByText('Back bar edge has no camera “cam-9”: it may have been removed or renamed.').waitFor();
    await page.getByRole('link', { name: 'See the cameras on the shelves' }).waitFor();
    expect(await page.locator('.frame').count()).toBe(0);
    expect(asked).toBe(before);
  });
});

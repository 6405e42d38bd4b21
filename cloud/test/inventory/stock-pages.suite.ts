import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locationStock } from '@smartstock/api';
import { ObservationService } from '../../src/inventory/index.js';
import type { CloudConfigInput } from '../../src/config.js';
import { build, type TestCloud } from '../support/cloud.js';
import { slotSeen } from '../support/observations.js';
import { repos } from '../support/repos.js';

const APEROL = 'APEROL-1000';
const triangle: [number, number][] = [
  [0, 0],
  [1, 0],
  [1, 1],
];

/**
 * A location's stock pages are kept (stock-pages.ts), and stock moves on every reading, sale and
 * delivery: the GET right after each committed write must show it, over HTTP, the whole answer and
 * a page alike. Each step first makes sure the page is kept (the same ETag twice), so a write that
 * did not forget it would be answered from before the write and fail here.
 */
export function describeStockPages(name: string, database: () => Promise<CloudConfigInput['database']>, drop?: () => Promise<void>) {
  describe(`stock pages stay fresh after every committed write, on ${name}`, () => {
    let t: TestCloud;
    let cams: ObservationService;
    let aperol: string;
    let seq = 0;
    const device = () => ({ id: `stock-pages-${t.demo.orgId.slice(0, 8)}`, orgId: t.demo.orgId, venueId: t.demo.venueId, health: null });
    const paths = () => [
      `/api/v1/inventory/locations/${t.demo.locations.mainBar}/stock`,
      `/api/v1/inventory/locations/${t.demo.locations.mainBar}/stock?limit=50`,
    ];

    beforeAll(async () => {
      t = await build({ database: await database() });
      aperol = t.demo.items[APEROL]!;
      cams = new ObservationService(t.cloud.db);
      const r = repos(t.cloud.db);
      await r.devices.create(t.demo.orgId, { id: device().id, venueId: t.demo.venueId, name: 'bar-pi' });
      await r.devices.replaceCameras(t.demo.orgId, device().id, [
        {
          id: 'cam-1',
          locationId: t.demo.locations.mainBar,
          url: 'rtsp://x/y',
          transport: 'tcp',
          sampleEverySeconds: 2,
          enabled: true,
          slots: [{ id: 's1', itemId: aperol, polygon: triangle }],
        },
      ]);
    }, 120_000);
    afterAll(async () => {
      await t?.close();
      await drop?.();
    });

    /** Aperol at the main bar, as each path answers it now; each path asked twice first, so its page is kept. */
    const aperolNow = async (where = t.demo.locations.mainBar) => {
      const out = [];
      for (const path of paths().map((p) => p.replace(t.demo.locations.mainBar, where))) {
        const first = await fetch(`${t.cloud.url}${path}`, { headers: { authorization: `Bearer ${t.ownerToken}` } });
        expect(first.status).toBe(200);
        const etag = first.headers.get('etag')!;
        const again = await fetch(`${t.cloud.url}${path}`, { headers: { authorization: `Bearer ${t.ownerToken}`, 'if-none-match': etag } });
        expect(again.status).toBe(304);
        const body = locationStock.parse(await first.json());
        out.push({ etag, level: body.levels.find((l) => l.itemId === aperol) });
      }
      return out;
    };
    const seen = async (units: number): Promise<void> => {
      await cams.record(device(), slotSeen(device().id, ++seq, APEROL, units));
    };
    const post = async (path: string, body: object) => {
      const res = await t.api('POST', path, { token: t.ownerToken, body });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    };

    it('a camera reading is in the next GET', async () => {
      await aperolNow();
      await seen(3);
      for (const p of await aperolNow()) expect(p.level).toMatchObject({ cameraUnits: 3, level: 3 });
      await seen(2);
      for (const p of await aperolNow()) expect(p.level).toMatchObject({ cameraUnits: 2, level: 2 });
    });

    it('a ledger row (a pour, a count off camera) is in the next GET, with a new ETag', async () => {
      const before = await aperolNow();
      await post(`/api/v1/inventory/items/${aperol}/adjust`, { locationId: t.demo.locations.mainBar, type: 'WASTE', quantity: 0.5 });
      const poured = await aperolNow();
      for (const [k, p] of poured.entries()) {
        expect(p.level!.level).toBe(before[k]!.level!.level - 0.5);
        expect(p.etag).not.toBe(before[k]!.etag);
      }
      await post(`/api/v1/inventory/items/${aperol}/adjust`, {
        locationId: t.demo.locations.mainBar,
        type: 'COUNT',
        quantity: 4,
        part: 'off_camera',
      });
      for (const p of await aperolNow()) expect(p.level!.offCamera.units).toBe(4);
    });

    it('a transfer is in the next GET at both locations', async () => {
      await post(`/api/v1/inventory/items/${aperol}/adjust`, { type: 'RECEIVE', quantity: 6 });
      const storage = (await aperolNow(t.demo.locations.storage))[0]!.level!.level;
      const bar = (await aperolNow())[0]!.level!.level;
      await post(`/api/v1/inventory/items/${aperol}/transfer`, { toLocationId: t.demo.locations.mainBar, quantity: 2 });
      for (const p of await aperolNow(t.demo.locations.storage)) expect(p.level!.level).toBe(storage - 2);
      for (const p of await aperolNow()) expect(p.level!.level).toBe(bar + 2);
    });

    it("an item's new name is in the next GET", async () => {
      await aperolNow();
      const res = await t.api('PATCH', `/api/v1/inventory/items/${aperol}`, { token: t.ownerToken, body: { name: 'Aperol (1 L)' } });
      expect(res.status).toBe(200);
      for (const p of await aperolNow()) expect(p.level!.name).toBe('Aperol (1 L)');
    });

    it("another organisation asking for this location's stock gets a 404, not the kept page", async () => {
      await aperolNow();
      const other = await t.otherOrg();
      const res = await t.api('GET', paths()[0]!, { token: other.token });
      expect(res.status).toBe(404);
    });
  });
}

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DemoSeed, RunningCloud } from '@smartstock/cloud';
import { startTestCloud } from './support/cloud.js';
import { cli } from '../../provisioning/test/helpers/cli.js';

/**
 * `smartstock-provision slots apply` against the real cloud: the file `slots suggest` wrote, each
 * slot given a sku by the technician, becomes the camera's slots, each sku the catalogue's item.
 * Here in e2e/ because it needs the cloud; provisioning itself does not depend on it.
 */
const OWNER = { email: 'owner@slots.test', password: 'correct horse battery staple' };
const DEVICE = 'anchor-edge-slots';
const CAMERA_URL = 'rtsp://viewer:s3cret@192.168.1.20:554/stream1';

type Camera = {
  id: string;
  name?: string;
  url: string;
  locationId: string;
  transport: string;
  sampleEverySeconds: number;
  enabled: boolean;
  slots: any[];
};

describe('slots apply', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'prov-slots-apply-'));
  let cloud: RunningCloud;
  let seed: DemoSeed;
  let token = '';
  const flags = () => ['--cloud-url', cloud.url, '--email', OWNER.email, '--password', OWNER.password];
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${cloud.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    expect(res.ok, `${method} ${path}: ${res.status}`).toBe(true);
    return (await res.json()) as any;
  };
  const device = () => api('GET', `/devices/${DEVICE}`) as Promise<{ configRevision: number; cameras: Camera[] }>;
  /** A file as `slots suggest` writes it (rows, bottle counts and all), with the skus the technician typed in. */
  const slotsFile = (name: string, skus: (string | null)[], camera = 'back-bar') => {
    const path = join(tmp, name);
    const slots = skus.map((sku, index) => ({
      id: `r1-s0${index + 1}`,
      sku,
      name: `shelf 1 from the top, position ${index + 1} from the left`,
      polygon: [
        [index * 0.2, 0.1],
        [index * 0.2 + 0.2, 0.1],
        [index * 0.2 + 0.2, 0.5],
        [index * 0.2, 0.5],
      ],
      row: 1,
      bottles: 1,
    }));
    writeFileSync(path, JSON.stringify({ v: 1, camera, image: '/tmp/shelf.jpg', width: 1280, height: 720, models: {}, note: '', slots }));
    return path;
  };

  beforeAll(async () => {
    cloud = await startTestCloud(tmp, { ...OWNER, organisation: 'Slot Bars' });
    seed = await cloud.seedDemo();
    const login = await fetch(`${cloud.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(OWNER),
    });
    token = ((await login.json()) as { accessToken: string }).accessToken;
    await api('POST', '/devices', { id: DEVICE, venueId: seed.venueId, name: 'Main bar' });
    // as the technician left it before: the back bar's camera with one old slot, and the door's camera
    await api('PUT', `/devices/${DEVICE}/cameras`, {
      cameras: [
        {
          id: 'back-bar',
          locationId: seed.locations.mainBar,
          name: 'Back bar',
          url: CAMERA_URL,
          transport: 'udp',
          sampleEverySeconds: 5,
          enabled: true,
          slots: [
            {
              id: 'old',
              itemId: seed.items['APEROL-1000'],
              polygon: [
                [0, 0],
                [1, 0],
                [1, 1],
              ],
            },
          ],
        },
        {
          id: 'door',
          locationId: seed.locations.rooftop,
          url: 'rtsp://192.168.1.21/stream1',
          slots: [
            {
              id: 'd1',
              itemId: seed.items['KRAKEN-750'],
              polygon: [
                [0, 0],
                [1, 0],
                [1, 1],
              ],
            },
          ],
        },
      ],
    });
  }, 120_000);
  afterAll(() => cloud?.stop());

  it('names every sku it cannot resolve and every slot without one, exits 2 and uploads nothing', async () => {
    const before = await device();
    const file = slotsFile('typos.json', ['TITOS-750', 'NOPE-1', 'jameson-750', null, 'NOPE-1']);
    const r = await cli('slots', 'apply', file, '--device', DEVICE, ...flags());
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("no item in your organisation's catalogue has the sku NOPE-1, jameson-750 (did you mean JAMESON-750?)");
    expect(r.stderr).toContain('slot r1-s04 has no sku');
    expect(r.stderr).toContain('nothing was uploaded');
    expect(r.stderr).not.toContain('TITOS-750');
    expect(await device()).toEqual(before);
  });

  it("sets the camera's slots to the catalogue's items, keeping its other fields and the other cameras, and prints them", async () => {
    const before = await device();
    const file = slotsFile('back-bar.slots.json', ['TITOS-750', 'JAMESON-750', 'TITOS-750']);
    const r = await cli('slots', 'apply', file, '--device', DEVICE, ...flags());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Camera back-bar of device anchor-edge-slots now has 3 slots (it had 1).');
    expect(r.stdout).toMatch(/r1-s02\s+JAMESON-750\s+Jameson Irish Whiskey/);
    expect(r.stdout + r.stderr).not.toContain('s3cret');

    const after = await device();
    expect(after.configRevision).toBe(before.configRevision + 1);
    const [backBar, door] = after.cameras;
    const { slots: _old, ...kept } = before.cameras[0]!;
    expect(backBar).toMatchObject({ ...kept, url: CAMERA_URL, transport: 'udp', sampleEverySeconds: 5, name: 'Back bar' });
    expect(backBar!.slots.map((slot) => [slot.id, slot.itemId])).toEqual([
      ['r1-s01', seed.items['TITOS-750']],
      ['r1-s02', seed.items['JAMESON-750']],
      ['r1-s03', seed.items['TITOS-750']],
    ]);
    expect(backBar!.slots[0].polygon).toEqual([
      [0, 0.1],
      [0.2, 0.1],
      [0.2, 0.5],
      [0, 0.5],
    ]);
    expect(door).toEqual(before.cameras[1]);
  });

  it('refuses to overwrite cameras changed between its read and its write (exit 1), and a second run keeps both changes', async () => {
    const file = slotsFile('race.slots.json', ['KRAKEN-750', 'CAMPARI-1000']);
    const realFetch = globalThis.fetch;
    let editedMeanwhile = false;
    // the manager saves the door camera on the dashboard while the CLI looks up its skus (after it read the cameras)
    const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      if (!editedMeanwhile && String(input).includes('/api/v1/inventory/items')) {
        editedMeanwhile = true;
        const seen = await device();
        const cameras = seen.cameras.map((camera) => (camera.id === 'door' ? { ...camera, name: 'Door, renamed meanwhile' } : camera));
        await api('PUT', `/devices/${DEVICE}/cameras`, { expectedRevision: seen.configRevision, cameras });
      }
      return realFetch(input, init);
    });
    const before = await device();
    let refused;
    try {
      refused = await cli('slots', 'apply', file, '--device', DEVICE, ...flags());
    } finally {
      spy.mockRestore();
    }
    expect(editedMeanwhile).toBe(true);
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toContain('the cameras changed since they were read: run it again');
    const meanwhile = await device();
    expect(meanwhile.configRevision).toBe(before.configRevision + 1);
    expect(meanwhile.cameras.find((camera) => camera.id === 'door')!.name).toBe('Door, renamed meanwhile');
    expect(meanwhile.cameras.find((camera) => camera.id === 'back-bar')).toEqual(before.cameras.find((camera) => camera.id === 'back-bar'));

    const again = await cli('slots', 'apply', file, '--device', DEVICE, ...flags());
    expect(again.code, again.stderr).toBe(0);
    const after = await device();
    expect(after.cameras.find((camera) => camera.id === 'door')!.name).toBe('Door, renamed meanwhile');
    expect(after.cameras.find((camera) => camera.id === 'back-bar')!.slots.map((slot) => slot.itemId)).toEqual([
      seed.items['KRAKEN-750'],
      seed.items['CAMPARI-1000'],
    ]);
  });

  it('refuses a device or camera the cloud does not have (exit 2), and adds a camera given its URL and location by name', async () => {
    const file = slotsFile('bar-top.slots.json', ['CAMPARI-1000'], 'bar-top');
    const noDevice = await cli('slots', 'apply', file, '--device', 'no-such-device', ...flags());
    expect(noDevice.code).toBe(2);
    expect(noDevice.stderr).toContain('the cloud has no device "no-such-device" in your organisation');
    const noCamera = await cli('slots', 'apply', file, '--device', DEVICE, ...flags());
    expect(noCamera.code).toBe(2);
    expect(noCamera.stderr).toContain('device anchor-edge-slots has no camera "bar-top" in the cloud (it has back-bar, door)');
    expect(noCamera.stderr).toContain('--url');

    const added = await cli(
      'slots',
      'apply',
      file,
      '--device',
      DEVICE,
      '--url',
      'rtsp://192.168.1.22/s1',
      '--location',
      'rooftop',
      '--json',
      ...flags(),
    );
    expect(added.code, added.stdout).toBe(0);
    expect(added.json).toMatchObject({ ok: true, added: true, camera: 'bar-top', slots: [{ id: 'r1-s01', sku: 'CAMPARI-1000' }] });
    const barTop = (await device()).cameras.find((camera) => camera.id === 'bar-top');
    expect(barTop).toMatchObject({
      locationId: seed.locations.rooftop,
      url: 'rtsp://192.168.1.22/s1',
      slots: [{ itemId: seed.items['CAMPARI-1000'] }],
    });
  });
});

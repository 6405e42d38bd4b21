/**
 * The demo's edge device, set up the way a technician sets up a real one:
 * provisioning issues its certificate from the cloud's CA and registers it
 * through the API, then its camera and slots are saved through the API, which
 * publishes the device's config over MQTT.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CloudClient, provisionDevice, type CloudAuth } from '@smartstock/provisioning';
import type { Logger } from '@smartstock/runtime';
import type { DemoSlot } from './video.js';

export const DEMO_DEVICE_ID = 'demo-back-bar';

export interface DemoDeviceInput {
  cloudUrl: string;
  brokerUrl: string;
  caDir: string;
  venueId: string;
  locationId: string;
  /** SKU → item id, in the order slots take them. */
  items: Record<string, string>;
  cameraUrl: string;
  slots: DemoSlot[];
  /** who sets the device up on the first start: a token, or a sign-in */
  auth: CloudAuth | undefined;
  dir: string;
  log: Logger;
}

/** Returns the bundle folder, creating and configuring the device on the first start. */
export async function ensureDemoDevice(o: DemoDeviceInput): Promise<string> {
  const bundle = join(o.dir, 'device');
  if (existsSync(join(bundle, 'agent.yaml'))) return bundle;
  if (!o.auth) {
    throw new Error(
      `the demo device is not set up yet and no sign-in is known to set it up: start with an empty data directory, ` +
        `or set SMARTSTOCK_OWNER_EMAIL and SMARTSTOCK_OWNER_PASSWORD`,
    );
  }
  const cloud = new CloudClient(o.cloudUrl, o.auth);
  await provisionDevice(
    { id: DEMO_DEVICE_ID, venueId: o.venueId, name: 'Back bar camera hub', out: bundle, dataDir: join(o.dir, 'agent') },
    { kind: 'local', caDir: o.caDir, mqttUrl: o.brokerUrl },
    cloud,
  );
  const skus = Object.keys(o.items);
  const skuOf = (i: number) => skus[i % skus.length]!;
  const token = o.auth.token ?? (await signIn(o.cloudUrl, { email: o.auth.email!, password: o.auth.password! }));
  const api = async (method: string, path: string, body: unknown) => {
    const res = await fetch(`${o.cloudUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`demo set-up: ${method} ${path} failed: ${res.status} ${await res.text()}`);
  };
  // Par and reorder point from what the shelf actually holds, as a manager would set them:
  // a bottle taken away, not a pour, is what takes an item below its reorder point.
  const unitsBySku = new Map<string, number>();
  o.slots.forEach((s, i) => unitsBySku.set(skuOf(i), (unitsBySku.get(skuOf(i)) ?? 0) + s.units));
  for (const [sku, units] of unitsBySku) {
    const reorderPoint = Math.max(0.25, Math.round((units - 0.6) * 4) / 4);
    await api('PATCH', `/inventory/items/${o.items[sku]}`, {
      locations: [{ locationId: o.locationId, parLevel: Math.ceil(units) + 1, reorderPoint }],
    });
  }
  await api('PUT', `/devices/${DEMO_DEVICE_ID}/cameras`, {
    cameras: [
      {
        id: 'back-bar',
        name: 'Back bar, main shelves',
        locationId: o.locationId,
        url: o.cameraUrl,
        transport: 'udp',
        sampleEverySeconds: 2,
        slots: o.slots.map((s, i) => ({
          id: s.id,
          name: `Row ${s.id.slice(1).replace('-s', ', slot ')}`,
          itemId: o.items[skuOf(i)]!,
          polygon: s.polygon,
        })),
      },
    ],
  });
  o.log.info({ device: DEMO_DEVICE_ID, slots: o.slots.length }, 'demo device provisioned and its camera configured');
  return bundle;
}

async function signIn(url: string, c: { email: string; password: string }): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(c),
  });
  if (!res.ok) throw new Error(`demo sign-in failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

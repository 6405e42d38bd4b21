import { CliError, EXIT, emit, table, usageError, type Ctx } from '../cli/output.js';
import { cloudFrom, type CloudFlags } from '../cli/options.js';
import type { CloudCamera, CloudClient, CloudItem } from '../cloud-client.js';
import { readSlotsFile, type SlotsFileSlot } from '../slots/file.js';

export interface SlotsApplyOptions extends CloudFlags {
  device: string;
  camera?: string;
  /** only to add a camera the device does not have yet, or to change these two fields of one it has */
  url?: string;
  location?: string;
}

interface SlotSet {
  id: string;
  sku: string;
  itemId: string;
  item: string;
}

/**
 * Puts a reviewed slots file on a camera in the cloud: each sku becomes the organisation's item,
 * the camera keeps its URL, location and settings, and the cloud sends the device its new config.
 * Nothing is uploaded unless every slot resolves.
 */
export async function slotsApply(ctx: Ctx, options: SlotsApplyOptions, args: string[]): Promise<void> {
  const path = args[0]!;
  const file = readSlotsFile(path);
  const cameraId = options.camera ?? file.camera;
  if (!cameraId) throw usageError(`${path} does not name its camera`, 'give --camera');
  const cloud = cloudFrom(options);
  if (!cloud) throw usageError('slots apply sets the camera in the cloud: give --cloud-url, and --token or --email and --password');

  const device = await cloud.getDevice(options.device);
  if (!device)
    throw usageError(
      `the cloud has no device "${options.device}" in your organisation`,
      '--device takes the device id that `device create` printed (the dashboard’s Devices page lists them)',
    );
  if (device.revokedAt) throw new CliError(`device ${device.id} is revoked: its cameras cannot be changed`, EXIT.failure);
  const cameras = device.cameras ?? [];
  const existing = cameras.find((known) => known.id === cameraId);
  if (!existing && !(options.url && options.location))
    throw usageError(
      `device ${device.id} has no camera "${cameraId}" in the cloud (${cameras.length ? `it has ${cameras.map((known) => known.id).join(', ')}` : 'it has none yet'})`,
      'to add it with these slots, give its --url (rtsp://…) and --location (the bar it watches); or give --camera one the device has',
    );
  if (options.url && !/^rtsps?:\/\/.+/.test(options.url))
    throw usageError('--url must be the camera’s rtsp:// or rtsps:// URL', 'e.g. rtsp://user:pass@192.168.1.20:554/stream1');
  const locationId = options.location ? await locationOf(cloud, device.venueId, options.location) : undefined;
  const camera: CloudCamera = {
    ...(existing ?? { id: cameraId, slots: [] }),
    ...(options.url ? { url: options.url } : {}),
    ...(locationId ? { locationId } : {}),
  } as CloudCamera;

  const set = resolveSkus(file.slots, await cloud.listItems(), path);
  const slots = file.slots.map((slot, index) => ({
    id: slot.id,
    itemId: set[index]!.itemId,
    ...(slot.name ? { name: slot.name } : {}),
    polygon: slot.polygon,
  }));
  const updated: CloudCamera[] = existing
    ? cameras.map((known) => (known.id === cameraId ? { ...camera, slots } : known))
    : [...cameras, { ...camera, slots }];
  // sent with the revision they were read at: a change saved in between is refused, not undone
  const saved = await cloud.saveCameras(device.id, updated, device.configRevision);

  const result = {
    device: device.id,
    camera: cameraId,
    configRevision: saved.configRevision ?? null,
    added: !existing,
    replaced: camera.slots.length,
    slots: set,
  };
  emit(ctx, result, () =>
    [
      existing
        ? `Camera ${cameraId} of device ${device.id} now has ${set.length} slots (it had ${camera.slots.length}).`
        : `Camera ${cameraId} added to device ${device.id} with ${set.length} slots.`,
      table(
        ['SLOT', 'SKU', 'ITEM'],
        set.map((slot) => [slot.id, slot.sku, slot.item]),
      ),
      `The cloud sent the device config revision ${result.configRevision ?? '?'}; an offline device takes it when it connects.`,
    ].join('\n'),
  );
}

/** Each slot's item by its sku; every slot without a sku, and every sku the catalogue lacks, named at once. */
function resolveSkus(slots: SlotsFileSlot[], items: CloudItem[], path: string): SlotSet[] {
  const bySku = new Map(items.map((item) => [item.sku, item]));
  const byLowerSku = new Map(items.map((item) => [item.sku.toLowerCase(), item]));
  const withoutSku = slots.filter((slot) => !slot.sku).map((slot) => slot.id);
  const unknown = [...new Set(slots.map((slot) => slot.sku).filter((sku): sku is string => !!sku && !bySku.has(sku)))];
  const problems: string[] = [];
  if (unknown.length) {
    const named = unknown.map((sku) => {
      const near = byLowerSku.get(sku.toLowerCase());
      return near ? `${sku} (did you mean ${near.sku}?)` : sku;
    });
    problems.push(`no item in your organisation's catalogue has the sku ${named.join(', ')}`);
  }
  if (withoutSku.length)
    problems.push(`slot${withoutSku.length > 1 ? 's' : ''} ${withoutSku.join(', ')} ha${withoutSku.length > 1 ? 've' : 's'} no sku`);
  if (problems.length)
    throw usageError(
      `${path}: ${problems.join('; ')}; nothing was uploaded`,
      unknown.length
        ? 'correct the sku in the file, or add the item on the dashboard’s Items page first (archived items do not count)'
        : 'give each slot a sku, or delete the slots you do not want',
    );
  return slots.map((slot) => {
    const item = bySku.get(slot.sku!)!;
    return { id: slot.id, sku: item.sku, itemId: item.id, item: item.name };
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** --location as the technician knows it (the location's name, "Main Bar") or its id. */
async function locationOf(cloud: CloudClient, venueId: string | undefined, given: string): Promise<string> {
  if (UUID.test(given) || !venueId) return given;
  const locations = await cloud.listLocations(venueId);
  const found = locations.find((location) => location.name.toLowerCase() === given.trim().toLowerCase());
  if (!found)
    throw usageError(
      `the device's venue has no location "${given}"`,
      `--location takes one of: ${locations.map((location) => `"${location.name}"`).join(', ') || '(none: add one on the dashboard)'}`,
    );
  return found.id;
}

// What a slot card says about its reading. Staleness belongs to the camera: the device
// reports a slot only when it changes (and on a slow heartbeat), so after a pause the last
// reading of an unchanged slot is filed "stale" until the next heartbeat, minutes later,
// while the camera already streams again. A slot is stale only while its camera is.
//
// "Live" also needs a device that is reporting now. The cloud keeps the device's last status
// across its own restart (and a broker replays it, retained), so `online` and the camera states
// can be the last run's: what tells is when the device made that status (`health.at`). The agent
// sends one every minute; three missed, and its readings are history, said with their age.
import type { Device, SlotObservation } from './types';

export type SlotShown = 'ok' | 'occluded' | 'stale' | 'silent' | 'none';

/** How old the device's last status may be before its readings stop being live: three of its one-minute reports missed. */
export const STATUS_FRESH_MS = 3 * 60_000;

const NO_PICTURE = new Set(['stale', 'failed', 'connecting']);

/** When the device made its last status; undefined when it never said. */
export const lastReportAt = (device: Device | undefined): number | undefined => {
  const at = device?.health?.at ? Date.parse(device.health.at) : NaN;
  return Number.isNaN(at) ? undefined : at;
};

/** Whether the device is online by its last status, but that status is too old to be believed now. */
export function silentSince(device: Device | undefined, now: number): number | undefined {
  const at = lastReportAt(device);
  return device?.online && at !== undefined && now - at > STATUS_FRESH_MS ? at : undefined;
}

export function slotState(
  obs: Pick<SlotObservation, 'state'> | undefined,
  device: Device | undefined,
  cameraId: string,
  now = Date.now(),
): SlotShown {
  if (!obs) return 'none';
  if (device && !device.online) return 'stale';
  if (silentSince(device, now) !== undefined) return 'silent';
  const camera = device?.health?.cameras?.find((c) => c.id === cameraId);
  if (camera && NO_PICTURE.has(camera.state)) return 'stale';
  if (obs.state === 'stale') return camera?.state === 'streaming' ? 'ok' : 'stale';
  return obs.state;
}

/** "40s", "12 min", "3 h", "2 d": how long ago, as a card has room for. */
export function age(fromMs: number, now: number): string {
  const s = Math.max(0, Math.round((now - fromMs) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86_400) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} d`;
}

export const slotStateLabel: Record<Exclude<SlotShown, 'silent'>, string> = {
  ok: 'Live',
  occluded: 'Occluded',
  stale: 'Stale',
  none: 'No reading',
};

/** The card's word: a silent device's reading says how old it is, never "Live". */
export function slotLabel(state: SlotShown, obsAt: string | undefined, now: number): string {
  if (state !== 'silent') return slotStateLabel[state];
  return obsAt ? `${age(Date.parse(obsAt), now)} old` : 'Not reported';
}

// What a slot card says about its reading. Staleness belongs to the camera: the device
// reports a slot only when it changes (and on a slow heartbeat), so after a pause the last
// reading of an unchanged slot is filed "stale" until the next heartbeat, minutes later,
// while the camera already streams again. A slot is stale only while its camera is.
import type { Device, SlotObservation } from './types';

export type SlotShown = 'ok' | 'occluded' | 'stale' | 'none';

const NO_PICTURE = new Set(['stale', 'failed', 'connecting']);

export function slotState(obs: Pick<SlotObservation, 'state'> | undefined, device: Device | undefined, cameraId: string): SlotShown {
  if (!obs) return 'none';
  if (device && !device.online) return 'stale';
  const camera = device?.health?.cameras?.find((c) => c.id === cameraId);
  if (camera && NO_PICTURE.has(camera.state)) return 'stale';
  if (obs.state === 'stale') return camera?.state === 'streaming' ? 'ok' : 'stale';
  return obs.state;
}

export const slotStateLabel: Record<SlotShown, string> = { ok: 'Live', occluded: 'Occluded', stale: 'Stale', none: 'No reading' };

/**
 * The simulated fleet's shape, the same in the seed and in the devices: device i is bar i's one
 * edge box, with 2–4 cameras of 20–40 slots each (deterministic, so every run is the same fleet).
 */
export interface FleetCamera {
  id: string;
  slots: { id: string; sku: string }[];
}
export interface FleetDevice {
  id: string;
  /** index of its venue (bar) */
  venue: number;
  cameras: FleetCamera[];
}

export const SKUS = 200;
export const sku = (k: number) => `FLEET-${String(k % SKUS).padStart(3, '0')}`;
export const deviceId = (i: number) => `fleet-${String(i).padStart(4, '0')}`;

export function fleetLayout(devices: number): FleetDevice[] {
  return Array.from({ length: devices }, (_, i) => ({
    id: deviceId(i),
    venue: i,
    cameras: Array.from({ length: 2 + (i % 3) }, (_, c) => ({
      id: `cam-${c + 1}`,
      slots: Array.from({ length: 20 + ((i * 7 + c * 13) % 21) }, (_, s) => ({ id: `slot-${s + 1}`, sku: sku(i + c * 31 + s) })),
    })),
  }));
}

export const slotCount = (d: FleetDevice) => d.cameras.reduce((n, c) => n + c.slots.length, 0);

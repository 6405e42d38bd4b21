import type { FastifyInstance } from 'fastify';
import type { Queryable } from '../db/types.js';
import { DeviceRepository } from './device.repository.js';
import type { DeviceService } from './device.service.js';
import deviceRoutes from './routes.js';

export { DeviceService, type DeviceLink, type SnapshotAnswer } from './device.service.js';
export type { Camera, Device, Slot } from './device.repository.js';

/** What other modules may read inside their own transaction (a shelf photo's slots come from a camera). */
export type DeviceRecords = Pick<DeviceRepository, 'get' | 'cameras'>;
export const deviceRecords = (q: Queryable): DeviceRecords => new DeviceRepository(q);

export interface DevicesModuleOptions {
  devices: DeviceService;
  /** how long GET …/snapshot waits for the device's picture */
  snapshotTimeoutMs: number;
}

/** /devices: registration, cameras and slots (the desired config), snapshots, revocation. */
export async function devicesModule(app: FastifyInstance, options: DevicesModuleOptions): Promise<void> {
  await app.register(deviceRoutes, options);
}

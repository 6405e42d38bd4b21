import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AuthService } from '../services/auth.service.js';
import type { DeviceService } from '../services/device.service.js';
import type { InventoryService, Actor } from '../services/inventory.service.js';
import type { VenueService } from '../services/venue.service.js';
import type { LiveHub } from '../live/hub.js';

export interface Services {
  auth: AuthService;
  inventory: InventoryService;
  venues: VenueService;
  devices: DeviceService;
  live: LiveHub;
}
declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}
export type App = FastifyInstance;

/** The org and user every service call is scoped by: from the verified token, never from the request body. */
export const actor = (req: FastifyRequest): Actor => ({ orgId: req.user.org, userId: req.user.sub });

export const idParam = z.object({ id: z.uuid() });

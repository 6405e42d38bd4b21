import type { FastifyInstance } from 'fastify';
// for its declarations: the websocket route option and handler routes.ts uses
import type {} from '@fastify/websocket';
import type { Queryable } from '../db/types.js';
import type { VenueService } from '../venues/index.js';
import type { LiveHub } from './hub.js';
import { LiveEventRepository, type LiveType } from './live-event.repository.js';
import liveRoutes from './routes.js';

export { LiveHub, type LiveMessage, type LiveSubscriber } from './hub.js';
export { LIVE_TYPES, type LiveType } from './live-event.repository.js';

/** The live feed as other modules write it: an event appended inside their transaction, pushed once it commits. */
export interface LiveEvents {
  append(orgId: string, venueId: string | null, type: LiveType, data: unknown): Promise<number>;
}
export const liveEvents = (q: Queryable): LiveEvents => new LiveEventRepository(q);

export interface LiveModuleOptions {
  hub: LiveHub;
  /** a socket opens only on a venue of the caller's organisation */
  venues: VenueService;
}

/** GET /live: the WebSocket. */
export async function liveModule(app: FastifyInstance, o: LiveModuleOptions): Promise<void> {
  await app.register(liveRoutes, o);
}

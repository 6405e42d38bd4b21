import type { FastifyInstance } from 'fastify';
// for its declarations: the websocket route option and handler routes.ts uses
import type {} from '@fastify/websocket';
import type { Queryable } from '../db/types.js';
import type { VenueService } from '../venues/index.js';
import type { LiveHub } from './hub.js';
import type { LiveData, LiveType } from '@smartstock/api';
import { LiveEventRepository, type NewLiveEvent } from './live-event.repository.js';
import liveRoutes from './routes.js';

export { LIVE_PROTOCOL } from './routes.js';
export { STOCK_CHANNEL } from './live-event.repository.js';

export { LiveHub, type LiveSubscriber, type LiveFrame } from './hub.js';
export { TOO_FAR_BEHIND } from './socket-sender.js';
export { startLiveEventPruner } from './live-event-pruner.js';

/** The live feed as other modules write it: an event appended inside their transaction, pushed once it commits. */
export interface LiveEvents {
  append<T extends LiveType>(orgId: string, venueId: string | null, type: T, data: LiveData<T>): Promise<number>;
  /** Several events in one statement and one notify (ingest's path: a batch's observations and the stock they moved). */
  appendMany(events: NewLiveEvent[]): Promise<number[]>;
}
export type { NewLiveEvent } from './live-event.repository.js';
export const liveEvents = (db: Queryable): LiveEvents => new LiveEventRepository(db);

export interface LiveModuleOptions {
  hub: LiveHub;
  /** a socket opens only on a venue of the caller's organisation */
  venues: VenueService;
  /** live.maxBehindBytes: a socket with more unsent than this is closed (socket-sender.ts) */
  maxBehindBytes: number;
}

/** GET /live: the WebSocket. */
export async function liveModule(app: FastifyInstance, options: LiveModuleOptions): Promise<void> {
  await app.register(liveRoutes, options);
}

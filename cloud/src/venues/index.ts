import type { FastifyInstance } from 'fastify';
import type { Queryable } from '../db/types.js';
import { VenueRepository, type Location } from './venue.repository.js';
import type { VenueService } from './venue.service.js';
import venueRoutes from './routes.js';

export { VenueService } from './venue.service.js';
export { LOCATIONS_CHANNEL } from './venue.repository.js';
export type { Location, Organisation, Venue } from './venue.repository.js';

/** What other modules may read or create inside their own transaction (device config, first start, the demo seed). */
export type VenueRecords = Pick<
  VenueRepository,
  'createOrganisation' | 'getVenue' | 'getLocation' | 'listVenues' | 'listLocations' | 'createVenue' | 'createLocation'
>;
export const venueRecords = (q: Queryable): VenueRecords => new VenueRepository(q);

/** Where a delivery goes when nobody says: the venue's first active storage location (its locations in name order). */
export const storageAmong = (locations: readonly Location[]): Location | undefined =>
  locations.find((l) => l.active && l.type === 'storage');

/** /venues and /locations. */
export async function venuesModule(app: FastifyInstance, options: { venues: VenueService }): Promise<void> {
  await app.register(venueRoutes, options);
}

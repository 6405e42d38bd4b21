import type { Db } from '../db/types.js';
import { repos } from '../repositories/index.js';
import type { Location } from './venue.repository.js';
import { conflict, notFound, pgCode } from '../errors.js';
import type { Actor } from '../inventory/inventory.service.js';
import { uniqueAs } from '../inventory/inventory.service.js';

/** Venues and their locations. */
export class VenueService {
  constructor(private readonly db: Db) {}

  listVenues(orgId: string) {
    return repos(this.db).venues.listVenues(orgId);
  }
  async getVenue(orgId: string, id: string) {
    const v = await repos(this.db).venues.getVenue(orgId, id);
    if (!v) throw notFound('venue');
    return { ...v, locations: await repos(this.db).venues.listLocations(orgId, id) };
  }
  async createVenue(a: Actor, v: { name: string; timezone?: string | undefined }) {
    const venue = await repos(this.db)
      .venues.createVenue(a.orgId, { name: v.name, ...(v.timezone ? { timezone: v.timezone } : {}) })
      .catch(uniqueAs('a venue with this name exists', 'name'));
    await repos(this.db).audit.record(a.orgId, { userId: a.userId, action: 'create', entity: 'venue', entityId: venue.id });
    return venue;
  }
  async updateVenue(a: Actor, id: string, v: { name?: string | undefined; timezone?: string | undefined }) {
    const venue = await repos(this.db).venues.updateVenue(a.orgId, id, v).catch(uniqueAs('a venue with this name exists', 'name'));
    if (!venue) throw notFound('venue');
    return venue;
  }
  async deleteVenue(a: Actor, id: string) {
    if (!(await repos(this.db).venues.deleteVenue(a.orgId, id).catch(inUse))) throw notFound('venue');
    await repos(this.db).audit.record(a.orgId, { userId: a.userId, action: 'delete', entity: 'venue', entityId: id });
  }
  async listLocations(orgId: string, venueId: string) {
    if (!(await repos(this.db).venues.getVenue(orgId, venueId))) throw notFound('venue');
    return repos(this.db).venues.listLocations(orgId, venueId);
  }
  async getLocation(orgId: string, id: string) {
    const l = await repos(this.db).venues.getLocation(orgId, id);
    if (!l) throw notFound('location');
    return l;
  }
  async createLocation(a: Actor, l: { venueId: string; name: string; type?: Location['type'] | undefined }) {
    if (!(await repos(this.db).venues.getVenue(a.orgId, l.venueId))) throw notFound('venue');
    return repos(this.db)
      .venues.createLocation(a.orgId, { venueId: l.venueId, name: l.name, ...(l.type ? { type: l.type } : {}) })
      .catch(uniqueAs('a location with this name exists in the venue', 'name'));
  }
  async updateLocation(
    a: Actor,
    id: string,
    l: { name?: string | undefined; type?: Location['type'] | undefined; active?: boolean | undefined },
  ) {
    const loc = await repos(this.db)
      .venues.updateLocation(a.orgId, id, l)
      .catch(uniqueAs('a location with this name exists in the venue', 'name'));
    if (!loc) throw notFound('location');
    return loc;
  }
  async deleteLocation(a: Actor, id: string) {
    if (!(await repos(this.db).venues.deleteLocation(a.orgId, id).catch(inUse))) throw notFound('location');
  }
}

function inUse(e: unknown): never {
  if (pgCode(e) === '23503') throw conflict('still in use by cameras; move or remove them first');
  throw e;
}

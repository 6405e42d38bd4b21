import type { Db } from '../db/types.js';
import { auditLog } from '../audit/index.js';
import { VenueRepository, type Location, type Venue, type VenueChanges } from './venue.repository.js';
import { conflict, notFound, pgCode, uniqueAs } from '../errors.js';
import type { Actor } from '../plugins/http.js';
import { countryOfTimeZone } from '../plugins/zone-country.js';

type VenueInput = VenueChanges;
/**
 * A venue as the API shows it: its country set, or else the one its time zone is in (null for UTC
 * and the like); its currency set, or else the organisation's.
 */
export const withCountry = <V extends Venue>({ orgCurrency, ...v }: V) => ({
  ...v,
  country: v.country ?? countryOfTimeZone(v.timezone) ?? null,
  currency: v.currency ?? orgCurrency,
  currencyOverride: v.currency,
});

/** Venues and their locations. */
export class VenueService {
  private readonly venues: VenueRepository;
  constructor(private readonly db: Db) {
    this.venues = new VenueRepository(db);
  }

  /** The organisation made on first start. */
  async firstOrganisationId(): Promise<string> {
    const id = await this.venues.firstOrganisationId();
    if (!id) throw notFound('organisation');
    return id;
  }

  async listVenues(orgId: string) {
    return (await this.venues.listVenues(orgId)).map(withCountry);
  }
  async getVenue(orgId: string, id: string) {
    const venue = await this.venues.getVenue(orgId, id);
    if (!venue) throw notFound('venue');
    return { ...withCountry(venue), locations: await this.venues.listLocations(orgId, id) };
  }
  async createVenue(a: Actor, v: VenueInput & { name: string }) {
    const venue = await this.venues
      .createVenue(a.orgId, {
        name: v.name,
        ...(v.timezone ? { timezone: v.timezone } : {}),
        ...(v.country ? { country: v.country } : {}),
        ...(v.currency ? { currency: v.currency } : {}),
      })
      .catch(uniqueAs('a venue with this name exists', 'name'));
    await auditLog(this.db).record(a.orgId, { userId: a.userId, action: 'create', entity: 'venue', entityId: venue.id });
    return withCountry(venue);
  }
  async updateVenue(a: Actor, id: string, v: VenueInput) {
    const venue = await this.venues.updateVenue(a.orgId, id, v).catch(uniqueAs('a venue with this name exists', 'name'));
    if (!venue) throw notFound('venue');
    return withCountry(venue);
  }
  async deleteVenue(a: Actor, id: string) {
    if (!(await this.venues.deleteVenue(a.orgId, id).catch(inUse))) throw notFound('venue');
    await auditLog(this.db).record(a.orgId, { userId: a.userId, action: 'delete', entity: 'venue', entityId: id });
  }
  async listLocations(orgId: string, venueId: string) {
    if (!(await this.venues.getVenue(orgId, venueId))) throw notFound('venue');
    return this.venues.listLocations(orgId, venueId);
  }
  async getLocation(orgId: string, id: string) {
    const l = await this.venues.getLocation(orgId, id);
    if (!l) throw notFound('location');
    return l;
  }
  async createLocation(a: Actor, l: { venueId: string; name: string; type?: Location['type'] | undefined }) {
    if (!(await this.venues.getVenue(a.orgId, l.venueId))) throw notFound('venue');
    return this.venues
      .createLocation(a.orgId, { venueId: l.venueId, name: l.name, ...(l.type ? { type: l.type } : {}) })
      .catch(uniqueAs('a location with this name exists in the venue', 'name'));
  }
  async updateLocation(
    a: Actor,
    id: string,
    l: { name?: string | undefined; type?: Location['type'] | undefined; active?: boolean | undefined },
  ) {
    const loc = await this.venues.updateLocation(a.orgId, id, l).catch(uniqueAs('a location with this name exists in the venue', 'name'));
    if (!loc) throw notFound('location');
    return loc;
  }
  async deleteLocation(a: Actor, id: string) {
    if (!(await this.venues.deleteLocation(a.orgId, id).catch(inUse))) throw notFound('location');
  }
}

function inUse(e: unknown): never {
  if (pgCode(e) === '23503') throw conflict('still in use by cameras; move or remove them first');
  throw e;
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/index.js';
import { VenueRepository } from '../../src/venues/venue.repository.js';
import type { DbFactory } from '../support/db.js';

export function describeVenueRepository(f: DbFactory) {
  describe(`VenueRepository on ${f.name}`, () => {
    let db: Db;
    let repo: VenueRepository;
    beforeAll(async () => {
      db = await f.open();
      repo = new VenueRepository(db);
    });
    afterAll(() => f.dispose(db));

    it('creates an organisation, venue and locations, scoped by organisation', async () => {
      const org = await repo.createOrganisation('Harbour Bars Ltd');
      const other = await repo.createOrganisation('Someone Else');
      const venue = await repo.createVenue(org.id, { name: 'The Anchor', timezone: 'Europe/London' });
      const main = await repo.createLocation(org.id, { venueId: venue.id, name: 'Main Bar' });
      await repo.createLocation(org.id, { venueId: venue.id, name: 'Cellar', type: 'cellar' });

      expect(await repo.listVenues(org.id)).toEqual([venue]);
      expect((await repo.listLocations(org.id, venue.id)).map((l) => l.name)).toEqual(['Cellar', 'Main Bar']);
      expect(await repo.getLocation(org.id, main.id)).toEqual(main);
      // another organisation sees nothing of it
      expect(await repo.listVenues(other.id)).toEqual([]);
      expect(await repo.getLocation(other.id, main.id)).toBeUndefined();
      expect(await repo.listLocations(other.id, venue.id)).toEqual([]);
    });

    it('refuses a location under another organisation’s venue', async () => {
      const a = await repo.createOrganisation('A');
      const b = await repo.createOrganisation('B');
      const venueA = await repo.createVenue(a.id, { name: 'A venue' });
      await expect(repo.createLocation(b.id, { venueId: venueA.id, name: 'Sneaky' })).rejects.toThrow(/foreign key/i);
    });

    it('keeps location names unique per venue and types within the allowed set', async () => {
      const org = await repo.createOrganisation('C');
      const venue = await repo.createVenue(org.id, { name: 'C venue' });
      await repo.createLocation(org.id, { venueId: venue.id, name: 'Rooftop' });
      await expect(repo.createLocation(org.id, { venueId: venue.id, name: 'Rooftop' })).rejects.toThrow(/unique|duplicate/i);
      await expect(repo.createLocation(org.id, { venueId: venue.id, name: 'X', type: 'garage' as never })).rejects.toThrow(/check/i);
    });
  });
}

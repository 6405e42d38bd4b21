import { z } from 'zod';
import { LOCATION_TYPES, uuid } from './common.js';

export const venue = z.strictObject({
  id: uuid,
  orgId: uuid,
  name: z.string(),
  timezone: z.string(),
  /** ISO 3166-1 alpha-2: the venue's own, else its time zone's; phone numbers typed as locals are read in it */
  country: z.string().nullable(),
  /** ISO 4217: what money at this venue is in (its own, else the organisation's) */
  currency: z.string(),
  /** the venue's own currency; null: the organisation's */
  currencyOverride: z.string().nullable(),
});
export const location = z.strictObject({
  id: uuid,
  orgId: uuid,
  venueId: uuid,
  name: z.string(),
  type: z.enum(LOCATION_TYPES),
  active: z.boolean(),
});
export const venueWithLocations = venue.extend({ locations: z.array(location) });

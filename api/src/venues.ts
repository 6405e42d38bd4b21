import { z } from 'zod';
import { LOCATION_TYPES, uuid } from './common.js';

export const venue = z.strictObject({ id: uuid, orgId: uuid, name: z.string(), timezone: z.string() });
export const location = z.strictObject({
  id: uuid,
  orgId: uuid,
  venueId: uuid,
  name: z.string(),
  type: z.enum(LOCATION_TYPES),
  active: z.boolean(),
});
export const venueWithLocations = venue.extend({ locations: z.array(location) });

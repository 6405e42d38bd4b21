import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LOCATION_TYPES, currencyCode, location, noContent, venue, venueWithLocations } from '@smartstock/api';
import type { App } from '../plugins/http.js';
import { actor, idParam } from '../plugins/http.js';
import { timeZoneSchema } from '../plugins/time-zone.js';
import { isSupportedCountry } from 'libphonenumber-js/max';
import type { VenueService } from './venue.service.js';

/** ISO 3166-1 alpha-2, one the phone numbering plan knows; null clears it (the time zone's country is used) */
const countrySchema = z
  .string()
  .transform((c) => c.trim().toUpperCase())
  .refine((c) => /^[A-Z]{2}$/.test(c) && isSupportedCountry(c), 'expected a two-letter country code such as GB, US or IL');
const venueBody = z.object({
  name: z.string().min(1).max(200),
  timezone: timeZoneSchema.optional(),
  country: countrySchema.nullable().optional(),
  /** null clears it: the organisation's currency is used */
  currency: currencyCode.nullable().optional(),
});
const locationBody = z.object({
  name: z.string().min(1).max(200),
  type: z.enum(LOCATION_TYPES).optional(),
  active: z.boolean().optional(),
});
const manage = ['owner', 'manager'] as const;

export default async function venueRoutes(app: App, options: { venues: VenueService }) {
  const typedApp = app.withTypeProvider<ZodTypeProvider>();
  const venues = options.venues;
  const tags = ['venues'];
  typedApp.get('/venues', { onRequest: app.authorize(), schema: { tags, response: { 200: z.array(venue) } } }, (req) =>
    venues.listVenues(actor(req).orgId),
  );
  typedApp.get(
    '/venues/:id',
    { onRequest: app.authorize(), schema: { tags, params: idParam, response: { 200: venueWithLocations } } },
    (req) => venues.getVenue(actor(req).orgId, req.params.id),
  );
  typedApp.post(
    '/venues',
    { onRequest: app.authorize(...manage), schema: { tags, body: venueBody, response: { 201: venue } } },
    async (req, reply) => reply.code(201).send(await venues.createVenue(actor(req), req.body)),
  );
  typedApp.patch(
    '/venues/:id',
    { onRequest: app.authorize(...manage), schema: { tags, params: idParam, body: venueBody.partial(), response: { 200: venue } } },
    (req) => venues.updateVenue(actor(req), req.params.id, req.body),
  );
  typedApp.delete(
    '/venues/:id',
    { onRequest: app.authorize('owner'), schema: { tags, params: idParam, response: { 204: noContent } } },
    async (req, reply) => {
      await venues.deleteVenue(actor(req), req.params.id);
      return reply.code(204).send();
    },
  );
  typedApp.get(
    '/venues/:id/locations',
    { onRequest: app.authorize(), schema: { tags, params: idParam, response: { 200: z.array(location) } } },
    (req) => venues.listLocations(actor(req).orgId, req.params.id),
  );
  typedApp.post(
    '/venues/:id/locations',
    {
      onRequest: app.authorize(...manage),
      schema: { tags, params: idParam, body: locationBody.omit({ active: true }), response: { 201: location } },
    },
    async (req, reply) => reply.code(201).send(await venues.createLocation(actor(req), { ...req.body, venueId: req.params.id })),
  );
  typedApp.post(
    '/inventory/locations',
    {
      onRequest: app.authorize(...manage),
      schema: { tags, body: locationBody.omit({ active: true }).extend({ venueId: z.uuid() }), response: { 201: location } },
    },
    async (req, reply) => reply.code(201).send(await venues.createLocation(actor(req), req.body)),
  );
  typedApp.get(
    '/inventory/locations/:id',
    { onRequest: app.authorize(), schema: { tags, params: idParam, response: { 200: location } } },
    (req) => venues.getLocation(actor(req).orgId, req.params.id),
  );
  typedApp.patch(
    '/inventory/locations/:id',
    { onRequest: app.authorize(...manage), schema: { tags, params: idParam, body: locationBody.partial(), response: { 200: location } } },
    (req) => venues.updateLocation(actor(req), req.params.id, req.body),
  );
  typedApp.delete(
    '/inventory/locations/:id',
    { onRequest: app.authorize(...manage), schema: { tags, params: idParam, response: { 204: noContent } } },
    async (req, reply) => {
      await venues.deleteLocation(actor(req), req.params.id);
      return reply.code(204).send();
    },
  );
}

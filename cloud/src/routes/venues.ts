import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from './types.js';
import { actor, idParam } from './types.js';
import { timeZoneSchema } from '../time-zone.js';

const LOCATION_TYPES = ['bar', 'storage', 'cellar', 'kitchen', 'other'] as const;
const venueBody = z.object({ name: z.string().min(1).max(200), timezone: timeZoneSchema.optional() });
const locationBody = z.object({
  name: z.string().min(1).max(200),
  type: z.enum(LOCATION_TYPES).optional(),
  active: z.boolean().optional(),
});
const manage = ['owner', 'manager'] as const;

export default async function venueRoutes(app: App) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const s = app.services.venues;
  const tags = ['venues'];
  r.get('/venues', { onRequest: app.authorize(), schema: { tags } }, (req) => s.listVenues(actor(req).orgId));
  r.get('/venues/:id', { onRequest: app.authorize(), schema: { tags, params: idParam } }, (req) =>
    s.getVenue(actor(req).orgId, req.params.id),
  );
  r.post('/venues', { onRequest: app.authorize(...manage), schema: { tags, body: venueBody } }, async (req, reply) =>
    reply.code(201).send(await s.createVenue(actor(req), req.body)),
  );
  r.patch('/venues/:id', { onRequest: app.authorize(...manage), schema: { tags, params: idParam, body: venueBody.partial() } }, (req) =>
    s.updateVenue(actor(req), req.params.id, req.body),
  );
  r.delete('/venues/:id', { onRequest: app.authorize('owner'), schema: { tags, params: idParam } }, async (req, reply) => {
    await s.deleteVenue(actor(req), req.params.id);
    return reply.code(204).send();
  });
  r.get('/venues/:id/locations', { onRequest: app.authorize(), schema: { tags, params: idParam } }, (req) =>
    s.listLocations(actor(req).orgId, req.params.id),
  );
  r.post(
    '/venues/:id/locations',
    { onRequest: app.authorize(...manage), schema: { tags, params: idParam, body: locationBody.omit({ active: true }) } },
    async (req, reply) => reply.code(201).send(await s.createLocation(actor(req), { ...req.body, venueId: req.params.id })),
  );
  r.post(
    '/inventory/locations',
    { onRequest: app.authorize(...manage), schema: { tags, body: locationBody.omit({ active: true }).extend({ venueId: z.uuid() }) } },
    async (req, reply) => reply.code(201).send(await s.createLocation(actor(req), req.body)),
  );
  r.get('/inventory/locations/:id', { onRequest: app.authorize(), schema: { tags, params: idParam } }, (req) =>
    s.getLocation(actor(req).orgId, req.params.id),
  );
  r.patch(
    '/inventory/locations/:id',
    { onRequest: app.authorize(...manage), schema: { tags, params: idParam, body: locationBody.partial() } },
    (req) => s.updateLocation(actor(req), req.params.id, req.body),
  );
  r.delete('/inventory/locations/:id', { onRequest: app.authorize(...manage), schema: { tags, params: idParam } }, async (req, reply) => {
    await s.deleteLocation(actor(req), req.params.id);
    return reply.code(204).send();
  });
}

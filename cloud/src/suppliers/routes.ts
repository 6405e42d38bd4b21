import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { itemPricing, supplier, supplierOffer, supplierWithItems } from '@smartstock/api';
import type { App } from '../plugins/http.js';
import { actor, idParam } from '../plugins/http.js';
import type { SupplierService } from './supplier.service.js';

const supplierBody = z.object({
  name: z.string().trim().min(1).max(200),
  contactName: z.string().max(200).nullable().optional(),
  email: z.email().nullable().optional(),
  phone: z.string().max(40).nullable().optional(),
  orderingDays: z.array(z.number().int()).max(7).optional(),
  leadTimeDays: z.number().int().min(0).max(90).optional(),
  minOrderValue: z.number().min(0).nullable().optional(),
  minOrderUnits: z.number().int().min(0).nullable().optional(),
});
const offerBody = z.object({
  itemId: z.uuid(),
  supplierCode: z.string().max(64).nullable().default(null),
  caseSize: z.number().int().min(1).max(1000).default(1),
  casePrice: z.number().min(0).nullable().default(null),
  preferred: z.boolean().default(false),
});
const manage = ['owner', 'manager'] as const;

export default async function supplierRoutes(app: App, options: { suppliers: SupplierService }) {
  const typedApp = app.withTypeProvider<ZodTypeProvider>();
  const suppliers = options.suppliers;
  const tags = ['suppliers'];
  typedApp.get('/suppliers', { onRequest: app.authorize(), schema: { tags, response: { 200: z.array(supplier) } } }, (req) =>
    suppliers.list(actor(req).orgId),
  );
  typedApp.get(
    '/suppliers/pricing',
    { onRequest: app.authorize(), schema: { tags, querystring: z.object({ item_id: z.uuid() }), response: { 200: itemPricing } } },
    (req) => suppliers.pricing(actor(req).orgId, req.query.item_id),
  );
  typedApp.get(
    '/suppliers/:id',
    { onRequest: app.authorize(), schema: { tags, params: idParam, response: { 200: supplierWithItems } } },
    (req) => suppliers.get(actor(req).orgId, req.params.id),
  );
  typedApp.post(
    '/suppliers',
    { onRequest: app.authorize(...manage), schema: { tags, body: supplierBody, response: { 201: supplier } } },
    async (req, reply) => reply.code(201).send(await suppliers.create(actor(req), req.body)),
  );
  typedApp.patch(
    '/suppliers/:id',
    { onRequest: app.authorize(...manage), schema: { tags, params: idParam, body: supplierBody.partial(), response: { 200: supplier } } },
    (req) => suppliers.update(actor(req), req.params.id, req.body),
  );
  typedApp.put(
    '/suppliers/:id/items',
    { onRequest: app.authorize(...manage), schema: { tags, params: idParam, body: offerBody, response: { 200: supplierOffer } } },
    (req) => suppliers.setOffer(actor(req), req.params.id, req.body),
  );
}

import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { binary, draftLineAdded, ORDER_STATES, orderSuggestions, purchaseOrder } from '@smartstock/api';
import type { App } from '../plugins/http.js';
import { actor, idParam } from '../plugins/http.js';
import type { OrderService } from './order.service.js';
import type { SuggestionService } from './suggestion.service.js';

const createBody = z.object({
  venueId: z.uuid(),
  supplierId: z.uuid(),
  notes: z.string().max(2000).optional(),
  /** absent: the supplier's suggested lines for the venue */
  lines: z
    .array(
      z.object({
        itemId: z.uuid(),
        cases: z.number().int().min(1).max(10_000),
        caseSize: z.number().int().min(1).max(1000).optional(),
        casePrice: z.number().min(0).nullable().optional(),
      }),
    )
    .min(1)
    .max(500)
    .optional(),
});
const receiveBody = z.object({
  locationId: z.uuid().optional(),
  lines: z
    .array(z.object({ lineId: z.uuid(), units: z.number().positive().max(100_000), casePrice: z.number().min(0).optional() }))
    .min(1)
    .max(500),
});
const manage = ['owner', 'manager'] as const;

export default async function orderRoutes(app: App, options: { orders: OrderService; suggestions: SuggestionService }) {
  const typedApp = app.withTypeProvider<ZodTypeProvider>();
  const orders = options.orders;
  const tags = ['orders'];
  typedApp.get(
    '/orders/suggestions',
    {
      onRequest: app.authorize(...manage),
      schema: { tags, querystring: z.object({ venue_id: z.uuid() }), response: { 200: orderSuggestions } },
    },
    (req) => options.suggestions.suggest(actor(req).orgId, req.query.venue_id),
  );
  typedApp.get(
    '/orders',
    {
      onRequest: app.authorize(...manage),
      schema: {
        tags,
        querystring: z.object({
          venue_id: z.uuid().optional(),
          status: z.enum(ORDER_STATES).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: z.array(purchaseOrder) },
      },
    },
    (req) => orders.list(actor(req).orgId, { venueId: req.query.venue_id, status: req.query.status, limit: req.query.limit }),
  );
  typedApp.get(
    '/orders/:id',
    { onRequest: app.authorize(...manage), schema: { tags, params: idParam, response: { 200: purchaseOrder } } },
    (req) => orders.get(actor(req).orgId, req.params.id),
  );
  typedApp.get(
    '/orders/:id/pdf',
    {
      onRequest: app.authorize(...manage),
      schema: {
        tags,
        summary: 'The PDF the order was sent to the supplier as (kept in object storage); 404 no_pdf before it is sent',
        params: idParam,
        response: { 200: { content: { 'application/pdf': { schema: binary } } } },
      },
    },
    async (req, reply) => {
      const pdf = await orders.pdf(actor(req).orgId, req.params.id);
      return reply
        .type('application/pdf')
        .header('content-length', pdf.info.size)
        .header('content-disposition', `inline; filename="${pdf.filename}"`)
        .header('cache-control', 'private, max-age=3600')
        .send(pdf.body);
    },
  );
  typedApp.post(
    '/orders/create',
    { onRequest: app.authorize(...manage), schema: { tags, body: createBody, response: { 201: purchaseOrder } } },
    async (req, reply) => reply.code(201).send(await orders.create(actor(req), req.body)),
  );
  typedApp.post(
    '/orders/draft-lines',
    {
      onRequest: app.authorize(...manage),
      schema: {
        tags,
        summary: "Add cases of an item to the venue's draft order for its supplier (preferred, or the only one); a new draft when none",
        body: z.object({
          venueId: z.uuid(),
          itemId: z.uuid(),
          cases: z.number().int().min(1).max(10_000),
          supplierId: z.uuid().optional(),
        }),
        response: { 200: draftLineAdded },
      },
    },
    (req) => orders.addToDraft(actor(req), req.body),
  );
  for (const step of ['approve', 'send', 'cancel'] as const)
    typedApp.post(
      `/orders/:id/${step}`,
      { onRequest: app.authorize(...manage), schema: { tags, params: idParam, response: { 200: purchaseOrder } } },
      (req) => orders[step](actor(req), req.params.id),
    );
  typedApp.patch(
    '/orders/:id/lines',
    {
      onRequest: app.authorize(...manage),
      schema: {
        tags,
        summary: "Change a draft's cases per line; 0 takes the line off",
        params: idParam,
        body: z.object({
          lines: z
            .array(z.object({ lineId: z.uuid(), cases: z.number().int().min(0).max(10_000) }))
            .min(1)
            .max(500),
        }),
        response: { 200: purchaseOrder },
      },
    },
    (req) => orders.setCases(actor(req), req.params.id, req.body.lines),
  );
  typedApp.post(
    '/orders/:id/receive',
    { onRequest: app.authorize(...manage), schema: { tags, params: idParam, body: receiveBody, response: { 200: purchaseOrder } } },
    (req) => orders.receive(actor(req), req.params.id, req.body),
  );
}

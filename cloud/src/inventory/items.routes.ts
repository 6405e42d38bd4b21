import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { item, itemPage, noContent } from '@smartstock/api';
import type { App } from '../plugins/http.js';
import { actor, idParam } from '../plugins/http.js';
import type { InventoryService } from './inventory.service.js';
import { sendPage } from './kept-page.js';

const stockSetting = z.object({
  locationId: z.uuid(),
  parLevel: z.number().min(0).max(100_000),
  reorderPoint: z.number().min(0).max(100_000),
});
const itemBody = z.object({
  sku: z.string().min(1).max(64),
  name: z.string().min(1).max(200),
  category: z.string().min(1).max(64).optional(),
  barcode: z.string().min(1).max(64).nullable().optional(),
  bottleSizeMl: z.number().int().positive().max(100_000).nullable().optional(),
  unit: z.string().min(1).max(32).optional(),
  unitCost: z.number().min(0).max(1_000_000).nullable().optional(),
  supplier: z.string().max(200).nullable().optional(),
  expiresOn: z.iso.date().nullable().optional(),
  locations: z.array(stockSetting).max(100).optional(),
});
const listQuery = z.object({
  q: z.string().max(200).optional(),
  category: z.string().max(64).optional(),
  locationId: z.uuid().optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
const edit = ['owner', 'manager'] as const;
/** the item list is sent as listItems' answer in JSON (InventoryService.itemPage): its type is checked against the contract here */
const listAnswerIsTheContract: Awaited<ReturnType<InventoryService['listItems']>> extends z.input<typeof itemPage> ? true : never = true;
void listAnswerIsTheContract;

export default async function itemRoutes(app: App, options: { inventory: InventoryService }) {
  const typedApp = app.withTypeProvider<ZodTypeProvider>();
  const inventory = options.inventory;
  const tags = ['items'];
  typedApp.get(
    '/inventory/items',
    {
      onRequest: app.authorize(),
      schema: { tags, querystring: listQuery, response: { 200: itemPage, 304: noContent } },
    },
    // the busiest read: its JSON kept until the catalogue changes (listItems' answer, which the contract types), with an ETag
    async (req, reply) => {
      const page = await inventory.itemPage(actor(req).orgId, stripUndefined(req.query));
      return sendPage(req, reply, page);
    },
  );
  typedApp.get('/inventory/items/:id', { onRequest: app.authorize(), schema: { tags, params: idParam, response: { 200: item } } }, (req) =>
    inventory.getItem(actor(req).orgId, req.params.id),
  );
  typedApp.post(
    '/inventory/items',
    { onRequest: app.authorize(...edit), schema: { tags, body: itemBody, response: { 201: item } } },
    async (req, reply) => reply.code(201).send(await inventory.createItem(actor(req), req.body)),
  );
  typedApp.patch(
    '/inventory/items/:id',
    {
      onRequest: app.authorize(...edit),
      schema: { tags, params: idParam, body: itemBody.partial().extend({ archived: z.boolean().optional() }), response: { 200: item } },
    },
    (req) => inventory.updateItem(actor(req), req.params.id, req.body),
  );
  typedApp.delete(
    '/inventory/items/:id',
    { onRequest: app.authorize(...edit), schema: { tags, params: idParam, response: { 204: noContent } } },
    async (req, reply) => {
      await inventory.deleteItem(actor(req), req.params.id);
      return reply.code(204).send();
    },
  );
}

function stripUndefined<T extends object>(query: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined)) as never;
}

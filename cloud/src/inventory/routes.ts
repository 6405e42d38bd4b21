import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { adjustBody, adjustment, itemHistory, locationStock, noContent, scanResult, transferBody, transferResult } from '@smartstock/api';
import type { App } from '../plugins/http.js';
import { actor, idParam } from '../plugins/http.js';
import type { InventoryService } from './inventory.service.js';
import { sendPage } from './kept-page.js';

const count = ['owner', 'manager', 'bartender'] as const;
/** the stock route sends locationStock's answer with JSON.stringify (InventoryService.stockPage), which writes each Date as the contract's timestamp does: its type is checked against the contract's output here */
const stockAnswerIsTheContract: Awaited<ReturnType<InventoryService['locationStock']>> extends z.output<typeof locationStock>
  ? true
  : never = true;
void stockAnswerIsTheContract;

export default async function inventoryRoutes(app: App, options: { inventory: InventoryService }) {
  const typedApp = app.withTypeProvider<ZodTypeProvider>();
  const inventory = options.inventory;
  const tags = ['inventory'];
  typedApp.post(
    '/inventory/items/:id/adjust',
    {
      onRequest: app.authorize(...count),
      schema: {
        tags,
        summary: 'Count (on shelf, off camera or the whole location), waste, receive (to storage by default), sell or adjust one item',
        params: idParam,
        body: adjustBody,
        response: { 201: adjustment },
      },
    },
    async (req, reply) => reply.code(201).send(await inventory.adjust(actor(req), req.params.id, req.body)),
  );
  typedApp.post(
    '/inventory/items/:id/transfer',
    {
      onRequest: app.authorize(...count),
      schema: {
        tags,
        summary: 'Move an item between two locations (from storage by default): two TRANSFER rows, both or neither',
        params: idParam,
        body: transferBody,
        response: { 201: transferResult },
      },
    },
    async (req, reply) => reply.code(201).send(await inventory.transfer(actor(req), req.params.id, req.body)),
  );
  typedApp.get(
    '/inventory/locations/:id/stock',
    {
      onRequest: app.authorize(),
      schema: {
        tags,
        summary:
          'Live level of every item at a location, its source, freshness and confidence; with limit or cursor one page of them (by name) and nextCursor',
        params: idParam,
        // optional paging: without limit or cursor the answer is every level, as before
        querystring: z.object({
          cursor: z.string().max(500).optional(),
          limit: z.coerce.number().int().min(1).max(500).optional(),
        }),
        response: { 200: locationStock, 304: noContent },
      },
    },
    // sent as the kept JSON of locationStock's answer (whose type the contract checks below), with an ETag
    async (req, reply) => {
      const page = await inventory.stockPage(actor(req).orgId, req.params.id, req.query);
      return sendPage(req, reply, page);
    },
  );
  typedApp.post(
    '/inventory/scan',
    {
      onRequest: app.authorize(...count),
      schema: {
        tags,
        summary: 'Barcode → item; then count or receive it',
        body: z.object({
          barcode: z.string().min(1).max(64),
          action: z.enum(['lookup', 'COUNT', 'RECEIVE']).default('lookup'),
          locationId: z.uuid().optional(),
          quantity: z.number().min(0).max(100_000).optional(),
          reason: z.string().max(500).optional(),
        }),
        response: { 200: scanResult },
      },
    },
    (req) => inventory.scan(actor(req), req.body),
  );
  typedApp.get(
    '/inventory/items/:id/history',
    {
      onRequest: app.authorize(),
      schema: {
        tags,
        summary: 'Observations and transactions of one item over time',
        params: idParam,
        querystring: z.object({ from: z.iso.datetime({ offset: true }).optional(), to: z.iso.datetime({ offset: true }).optional() }),
        response: { 200: itemHistory },
      },
    },
    (req) => {
      const to = req.query.to ? new Date(req.query.to) : new Date();
      const from = req.query.from ? new Date(req.query.from) : new Date(to.getTime() - 7 * 86_400_000);
      return inventory.history(actor(req).orgId, req.params.id, from, to);
    },
  );
}

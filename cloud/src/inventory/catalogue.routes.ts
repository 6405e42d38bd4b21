import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { itemBarcodes } from '@smartstock/api';
import type { App } from '../plugins/http.js';
import { actor, idParam } from '../plugins/http.js';
import type { CatalogueService } from './catalogue.service.js';

const edit = ['owner', 'manager'] as const;
const barcodeBody = z.object({ barcode: z.string().min(1).max(64) });

/** /inventory/items/{id}/barcodes: the barcodes a scan finds the item by. */
export default async function catalogueRoutes(app: App, options: { catalogue: CatalogueService }) {
  const typedApp = app.withTypeProvider<ZodTypeProvider>();
  const catalogue = options.catalogue;
  const tags = ['items'];
  typedApp.get(
    '/inventory/items/:id/barcodes',
    { onRequest: app.authorize(), schema: { tags, summary: "The item's barcodes", params: idParam, response: { 200: itemBarcodes } } },
    (req) => catalogue.barcodes(actor(req).orgId, req.params.id),
  );
  typedApp.post(
    '/inventory/items/:id/barcodes',
    {
      onRequest: app.authorize(...edit),
      schema: {
        tags,
        summary: 'Attach a barcode to the item (a scanned label no item had); 409 when another item has it',
        params: idParam,
        body: barcodeBody,
        response: { 200: itemBarcodes },
      },
    },
    (req) => catalogue.attach(actor(req), req.params.id, req.body.barcode),
  );
  typedApp.post(
    '/inventory/items/:id/barcodes/remove',
    {
      onRequest: app.authorize(...edit),
      schema: { tags, summary: 'Remove one of the item’s barcodes', params: idParam, body: barcodeBody, response: { 200: itemBarcodes } },
    },
    (req) => catalogue.detach(actor(req), req.params.id, req.body.barcode),
  );
}

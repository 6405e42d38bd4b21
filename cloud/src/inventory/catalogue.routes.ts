import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { itemBarcodes } from '@smartstock/api';
import type { App } from '../plugins/http.js';
import { actor, idParam } from '../plugins/http.js';
import type { CatalogueService } from './catalogue.service.js';

const edit = ['owner', 'manager'] as const;
const barcodeBody = z.object({ barcode: z.string().min(1).max(64) });

/** /inventory/items/{id}/barcodes: the barcodes a scan finds the item by. */
export default async function catalogueRoutes(app: App, o: { catalogue: CatalogueService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const s = o.catalogue;
  const tags = ['items'];
  r.get(
    '/inventory/items/:id/barcodes',
    { onRequest: app.authorize(), schema: { tags, summary: "The item's barcodes", params: idParam, response: { 200: itemBarcodes } } },
    (req) => s.barcodes(actor(req).orgId, req.params.id),
  );
  r.post(
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
    (req) => s.attach(actor(req), req.params.id, req.body.barcode),
  );
  r.post(
    '/inventory/items/:id/barcodes/remove',
    {
      onRequest: app.authorize(...edit),
      schema: { tags, summary: 'Remove one of the item’s barcodes', params: idParam, body: barcodeBody, response: { 200: itemBarcodes } },
    },
    (req) => s.detach(actor(req), req.params.id, req.body.barcode),
  );
}

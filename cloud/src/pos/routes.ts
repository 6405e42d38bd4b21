import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CSV_FIELDS,
  POS_PROVIDERS,
  csvImported,
  csvMapping,
  csvPreview,
  menuSales,
  posBackfillQueued,
  posConnection,
  salesCoverage,
  unmappedEntry,
} from '@smartstock/api';
import type { App } from '../plugins/http.js';
import { actor, idParam } from '../plugins/http.js';
import type { PosService } from './pos.service.js';
import type { CsvImportService } from './csv.service.js';

const manage = ['owner', 'manager'] as const;
const MAX_CSV_BYTES = 8 * 1024 * 1024;
const secret = z.string().min(1).max(4096);
const connectionBody = z.object({
  provider: z.enum(POS_PROVIDERS),
  name: z.string().min(1).max(200).optional(),
  venueId: z.uuid(),
  locationId: z.uuid().describe('the location whose stock the sales deplete'),
  providerLocationId: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe("the POS's id of the venue (Square: its location id; Toast: the restaurant GUID, required; Tabit: the organization id)"),
  credentials: z
    .object({
      accessToken: secret.optional().describe('Square: the access token that reads orders'),
      clientId: secret.optional().describe("Toast: the API client's id (OAuth client credentials)"),
      clientSecret: secret.optional().describe("Toast: the API client's secret"),
    })
    .optional()
    .describe('stored encrypted; never returned'),
  webhookSignatureKey: secret.optional().describe("the webhook subscription's signature key; stored encrypted, never returned"),
});
const connectionChange = connectionBody.omit({ provider: true, venueId: true }).partial();
const venueQuery = z.object({ venueId: z.uuid() });
const day = 86_400_000;
const coverageQuery = venueQuery.extend({
  from: z.coerce.date().default(() => new Date(Date.now() - 7 * day)),
  to: z.coerce.date().default(() => new Date()),
});

/** /api/v1/pos: connections and their health, the unmapped queue, the share mapped, CSV import. */
export default async function posRoutes(app: App, options: { pos: PosService; csv: CsvImportService }) {
  const typedApp = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['pos'];
  typedApp.post(
    '/pos/connections',
    { onRequest: app.authorize(...manage), schema: { tags, body: connectionBody, response: { 201: posConnection } } },
    async (req, reply) => reply.code(201).send(await options.pos.createConnection(actor(req), req.body)),
  );
  typedApp.get(
    '/pos/connections',
    {
      onRequest: app.authorize(...manage),
      schema: { tags, summary: 'POS connections with their health', response: { 200: z.array(posConnection) } },
    },
    (req) => options.pos.listConnections(actor(req).orgId),
  );
  typedApp.patch(
    '/pos/connections/:id',
    {
      onRequest: app.authorize(...manage),
      schema: {
        tags,
        summary: 'Rename, move or re-key a connection (a secret left out keeps the stored one)',
        params: idParam,
        body: connectionChange,
        response: { 200: posConnection },
      },
    },
    (req) => options.pos.updateConnection(actor(req), req.params.id, req.body),
  );
  typedApp.get(
    '/pos/sales',
    {
      onRequest: app.authorize(...manage),
      schema: {
        tags,
        summary: 'What the venue sold by POS menu item over a period (default: the last 7 days)',
        querystring: coverageQuery,
        response: { 200: menuSales },
      },
    },
    (req) => options.pos.sales(actor(req).orgId, req.query.venueId, req.query.from, req.query.to),
  );
  typedApp.post(
    '/pos/connections/:id/backfill',
    {
      onRequest: app.authorize(...manage),
      schema: {
        tags,
        summary: "Pull one business day of the connection's orders from its POS (Square, Toast) on the job queue",
        params: idParam,
        body: z.object({
          businessDate: z
            .string()
            .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
            .describe("the venue's business day"),
        }),
        response: { 202: posBackfillQueued },
      },
    },
    async (req, reply) => reply.code(202).send(await options.pos.backfill(actor(req), req.params.id, req.body.businessDate)),
  );
  typedApp.get(
    '/pos/unmapped',
    {
      onRequest: app.authorize(...manage),
      schema: {
        tags,
        summary: 'Menu items and modifiers without a recipe, by the sales waiting on them',
        querystring: venueQuery,
        response: { 200: z.array(unmappedEntry) },
      },
    },
    (req) => options.pos.unmapped(actor(req).orgId, req.query.venueId),
  );
  typedApp.get(
    '/pos/coverage',
    {
      onRequest: app.authorize(...manage),
      schema: {
        tags,
        summary: 'Share of sales mapped to recipes, by count and by revenue',
        querystring: coverageQuery,
        response: { 200: salesCoverage },
      },
    },
    (req) => options.pos.coverage(actor(req).orgId, req.query.venueId, req.query.from, req.query.to),
  );
  typedApp.put(
    '/pos/csv/mapping',
    {
      onRequest: app.authorize(...manage),
      schema: {
        tags,
        summary: "Which of the venue's CSV columns hold what (item, quantity and soldAt are required)",
        body: z.object({ venueId: z.uuid(), columns: z.partialRecord(z.enum(CSV_FIELDS), z.string().min(1).max(200)) }),
        response: { 200: csvMapping },
      },
    },
    (req) => options.csv.saveMapping(actor(req), req.body.venueId, req.body.columns),
  );
  typedApp.get(
    '/pos/csv/mapping',
    { onRequest: app.authorize(...manage), schema: { tags, querystring: venueQuery, response: { 200: csvMapping } } },
    (req) => options.csv.mapping(actor(req).orgId, req.query.venueId),
  );
  await app.register(async (scope) => {
    scope.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: MAX_CSV_BYTES }, (_req, body, done) => done(null, body));
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/pos/connections/:id/csv',
      {
        onRequest: app.authorize(...manage),
        bodyLimit: MAX_CSV_BYTES,
        schema: {
          tags,
          summary: 'Upload a CSV of sales (body: text/csv); answers a preview to confirm',
          params: idParam,
          response: { 200: csvPreview },
        },
      },
      (req) => options.csv.upload(actor(req), req.params.id, req.body),
    );
  });
  typedApp.post(
    '/pos/imports/:id/confirm',
    {
      onRequest: app.authorize(...manage),
      schema: { tags, summary: "Import a previewed CSV's good rows", params: idParam, response: { 200: csvImported } },
    },
    (req) => options.csv.confirm(actor(req), req.params.id),
  );
}

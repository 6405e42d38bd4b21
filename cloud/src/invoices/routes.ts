import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { INVOICE_STATES, invoice, invoiceAccepted } from '@smartstock/api';
import { AppError } from '../errors.js';
import type { App } from '../plugins/http.js';
import { actor, idParam } from '../plugins/http.js';
import type { InvoiceService } from './invoice.service.js';
import { MAX_INVOICE_BYTES } from './invoice.service.js';
import { approveInvoice, type ApprovalDeps } from './approval.js';

const manage = ['owner', 'manager'] as const;
const approveBody = z.object({
  supplierId: z.uuid().optional().describe('required when no supplier of yours matched the invoice'),
  orderId: z.uuid().nullable().optional().describe('the purchase order it delivers; null: none, even when one is open'),
  locationId: z.uuid().optional().describe("where the stock goes; the venue's storage by default"),
  lines: z
    .array(
      z.object({
        lineId: z.uuid(),
        itemId: z.uuid().nullable().optional(),
        skip: z.boolean().optional().describe('not received (a deposit, a delivery charge, a line for another venue)'),
        quantity: z.number().positive().max(100_000).optional(),
        unitPrice: z.number().min(0).max(1_000_000).optional(),
      }),
    )
    .max(500)
    .optional()
    .describe("the reviewer's edits; lines not named are approved as read"),
});

/** The upload as raw bytes (application/pdf, image/jpeg, image/png) or the first file of a multipart form. */
async function uploaded(req: FastifyRequest): Promise<Buffer> {
  if (req.isMultipart()) {
    const file = await req.file();
    if (!file) throw new AppError(400, 'unreadable_file', 'the form has no file: send the invoice as its "file" field', 'file');
    const body = await file.toBuffer().catch((e: unknown) => {
      if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
      throw e;
    });
    return body;
  }
  if (!Buffer.isBuffer(req.body))
    throw new AppError(
      415,
      'unsupported_media_type',
      'send the invoice as application/pdf, image/jpeg, image/png or a multipart form',
      'file',
    );
  return req.body;
}
const tooLarge = () => new AppError(413, 'file_too_large', `the file is over ${MAX_INVOICE_BYTES / 1024 / 1024} MB`, 'file');

/** /api/v1/invoices: supplier invoices read by a job, reviewed and approved into stock. */
export default async function invoiceRoutes(app: App, options: { invoices: InvoiceService; approval: ApprovalDeps }) {
  const typedApp = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['invoices'];
  await app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: MAX_INVOICE_BYTES, files: 1, fields: 5 } });
    scope.addContentTypeParser(
      ['application/pdf', 'image/jpeg', 'image/png', 'application/octet-stream'],
      { parseAs: 'buffer', bodyLimit: MAX_INVOICE_BYTES },
      (_req, body, done) => done(null, body),
    );
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/invoices/process-ocr',
      {
        onRequest: app.authorize(...manage),
        bodyLimit: MAX_INVOICE_BYTES + 64 * 1024,
        schema: {
          tags,
          summary: 'Upload a supplier invoice (PDF, or a JPEG/PNG photo; raw body or multipart "file"); a job reads it for review',
          querystring: z.object({ venue_id: z.uuid() }),
          response: { 202: invoiceAccepted },
        },
      },
      async (req, reply) => {
        const inv = await options.invoices.upload(actor(req), req.query.venue_id, () => uploaded(req));
        return reply
          .code(202)
          .send({ invoiceId: inv.id, status: 'processing', invoiceUrl: `/api/v1/invoices/${inv.id}`, jobUrl: `/api/v1/jobs/${inv.id}` });
      },
    );
  });
  typedApp.get(
    '/invoices',
    {
      onRequest: app.authorize(...manage),
      schema: {
        tags,
        querystring: z.object({
          venue_id: z.uuid().optional(),
          status: z.enum(INVOICE_STATES).optional(),
          limit: z.coerce.number().int().min(1).max(100).default(20),
        }),
        response: { 200: z.array(invoice) },
      },
    },
    (req) => options.invoices.list(actor(req).orgId, { venueId: req.query.venue_id, status: req.query.status, limit: req.query.limit }),
  );
  typedApp.get(
    '/invoices/:id',
    {
      onRequest: app.authorize(...manage),
      schema: { tags, summary: 'An invoice as read, for review', params: idParam, response: { 200: invoice } },
    },
    (req) => options.invoices.get(actor(req).orgId, req.params.id),
  );
  typedApp.post(
    '/invoices/:id/approve',
    {
      onRequest: app.authorize(...manage),
      schema: {
        tags,
        summary:
          'Approve a reviewed invoice: stock received (through its purchase order when it has one), prices updated, differences kept',
        params: idParam,
        body: approveBody,
        response: { 200: invoice },
      },
    },
    async (req) => {
      await approveInvoice(options.approval, actor(req), req.params.id, req.body);
      return options.invoices.get(actor(req).orgId, req.params.id);
    },
  );
}

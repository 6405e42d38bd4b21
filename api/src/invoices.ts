import { z } from 'zod';
import { timestamp, uuid } from './common.js';

export const INVOICE_STATES = ['processing', 'review', 'approving', 'approved', 'failed'] as const;

/** POST /invoices/process-ocr: the invoice is kept and a job reads it; poll GET /invoices/{id}. */
export const invoiceAccepted = z.strictObject({
  invoiceId: uuid,
  status: z.literal('processing'),
  invoiceUrl: z.string(),
  jobUrl: z.string().describe('GET /api/v1/jobs/{id}: the reading job in the queue every background job uses'),
});

/** One line as read from the invoice, with the item it was matched to (or none: the reviewer chooses). */
export const invoiceLine = z.strictObject({
  id: uuid,
  position: z.number().int(),
  description: z.string(),
  supplierCode: z.string().nullable(),
  /** the supplier's cases */
  quantity: z.number(),
  /** per case */
  unitPrice: z.number().nullable(),
  total: z.number().nullable(),
  itemId: uuid.nullable(),
  itemName: z.string().nullable(),
  /** code: the supplier's item code; name: fuzzy name match (see matchScore); reviewer: chosen by hand */
  matchedBy: z.enum(['code', 'name', 'reviewer']).nullable(),
  matchScore: z.number().nullable(),
});

/** An invoice with what was read, what must be settled before approving, and after approval how it differed from the order. */
export const invoice = z.strictObject({
  id: uuid,
  venueId: uuid,
  status: z.enum(INVOICE_STATES),
  fileKind: z.enum(['pdf', 'jpg', 'png']),
  pages: z.number().int(),
  /** text: the PDF's own text; ocr: read from pixels; mixed: both */
  source: z.enum(['text', 'ocr', 'mixed']).nullable(),
  supplierId: uuid.nullable(),
  supplierName: z.string().nullable(),
  invoiceNumber: z.string().nullable(),
  invoiceDate: z.string().nullable(),
  orderId: uuid.nullable(),
  error: z.string().nullable(),
  lines: z.array(invoiceLine),
  review: z.array(
    z.strictObject({
      code: z.enum(['unknown_supplier', 'unmatched_line', 'no_lines', 'no_order']),
      message: z.string(),
      lineId: uuid.nullable(),
    }),
  ),
  differences: z.array(
    z.strictObject({
      kind: z.enum(['short', 'over', 'price_changed', 'missing', 'not_ordered']),
      itemId: uuid,
      name: z.string(),
      detail: z.string(),
    }),
  ),
  createdAt: timestamp,
  processedAt: timestamp.nullable(),
  approvedAt: timestamp.nullable(),
});

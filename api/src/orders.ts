import { z } from 'zod';
import { timestamp, uuid } from './common.js';

export const ORDER_STATES = ['draft', 'approved', 'sent', 'partly_received', 'received', 'cancelled'] as const;

/** One line of a supplier's suggested order, with how its quantity came about in words. */
export const suggestedLine = z.strictObject({
  itemId: uuid,
  name: z.string(),
  /** forecast: demand over lead time and review period plus safety stock; par: no forecast yet, up to par */
  basis: z.enum(['forecast', 'par']),
  target: z.number(),
  onHand: z.number(),
  onOrder: z.number(),
  caseSize: z.number().int(),
  casePrice: z.number().nullable(),
  cases: z.number().int(),
  units: z.number().int(),
  reason: z.string(),
});

/** GET /orders/suggestions: what to order, per supplier, for one venue. */
export const orderSuggestions = z.strictObject({
  venueId: uuid,
  generatedAt: timestamp,
  suppliers: z.array(
    z.strictObject({
      supplierId: uuid,
      supplierName: z.string(),
      email: z.string().nullable(),
      leadTimeDays: z.number().int(),
      reviewDays: z.number().int(),
      lines: z.array(suggestedLine),
      units: z.number().int(),
      value: z.number(),
      /** how the supplier's minimum order shaped it, when it did */
      minimumNote: z.string().nullable(),
    }),
  ),
  /** items below par that no supplier sells */
  unassigned: z.array(z.strictObject({ itemId: uuid, name: z.string(), reason: z.string() })),
});

export const purchaseOrderLine = z.strictObject({
  id: uuid,
  itemId: uuid,
  sku: z.string(),
  name: z.string(),
  cases: z.number().int(),
  caseSize: z.number().int(),
  units: z.number().int(),
  casePrice: z.number().nullable(),
  receivedUnits: z.number(),
  reason: z.string().nullable(),
});

export const purchaseOrder = z.strictObject({
  id: uuid,
  /** PO- and the id's first eight characters: what the supplier sees */
  number: z.string(),
  orgId: uuid,
  venueId: uuid,
  supplierId: uuid,
  status: z.enum(ORDER_STATES),
  notes: z.string().nullable(),
  /** why the last send did not go (no supplier e-mail, the mail server refused) */
  sendError: z.string().nullable(),
  createdBy: uuid.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
  sentAt: timestamp.nullable(),
  lines: z.array(purchaseOrderLine),
  total: z.number(),
});

/** "order 2 cases of Aperol": the venue's draft order for the item's supplier, with the cases on it. */
export const draftLineAdded = z.strictObject({
  order: purchaseOrder,
  supplierName: z.string(),
  itemId: uuid,
  /** the cases just added; the line may hold more from before */
  cases: z.number(),
  /** true when this started a new draft */
  created: z.boolean(),
});

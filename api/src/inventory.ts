import { z } from 'zod';
import { ADJUST_KINDS, STOCK_SOURCES, STOCK_STATUSES, adjustKind, localId, timestamp, uuid } from './common.js';
import { location } from './venues.js';

/** Par and reorder point of one item at one location. */
export const itemLocation = z.strictObject({ itemId: uuid, locationId: uuid, parLevel: z.number(), reorderPoint: z.number() });
export const itemFields = z.strictObject({
  id: uuid,
  orgId: uuid,
  sku: z.string(),
  name: z.string(),
  category: z.string(),
  barcode: z.string().nullable(),
  bottleSizeMl: z.number().nullable(),
  unit: z.string(),
  unitCost: z.number().nullable(),
  supplier: z.string().nullable(),
  expiresOn: z.iso.date().nullable(),
  archived: z.boolean(),
});
export const item = itemFields.extend({ locations: z.array(itemLocation) });
export const itemPage = z.strictObject({ items: z.array(item), nextCursor: z.string().nullable() });

/** One item's level at one location: where the number comes from and how fresh it is (the API and the live socket). */
export const stockLevel = z.strictObject({
  itemId: uuid,
  locationId: uuid,
  sku: z.string(),
  name: z.string(),
  level: z.number(),
  parLevel: z.number(),
  reorderPoint: z.number(),
  status: z.enum(STOCK_STATUSES),
  source: z.enum(STOCK_SOURCES),
  cameraUnits: z.number().nullable(),
  confidence: z.number().nullable(),
  updatedAt: timestamp.nullable(),
});
export const locationStock = z.strictObject({ location, levels: z.array(stockLevel) });

/** One row of the stock ledger. */
export const transaction = z.strictObject({
  id: uuid,
  itemId: uuid,
  locationId: uuid,
  type: z.enum(ADJUST_KINDS),
  quantity: z.number(),
  before: z.number().nullable(),
  after: z.number().nullable(),
  userId: uuid.nullable(),
  reason: z.string().nullable(),
  sourceType: z.string().nullable(),
  sourceId: z.string().nullable(),
  at: timestamp,
});
export const adjustment = z.strictObject({ transaction, stock: stockLevel });
export const scanResult = z.strictObject({ item: itemFields, result: adjustment.nullable() });

export const itemHistory = z.strictObject({
  itemId: uuid,
  from: timestamp,
  to: timestamp,
  observations: z.array(
    z.strictObject({ at: timestamp, units: z.number(), cameraId: localId, slotId: localId, confidence: z.number(), trusted: z.boolean() }),
  ),
  transactions: z.array(transaction),
});

// Requests

/** Body of POST /inventory/items/:id/adjust: one count, waste, receipt, sale or adjustment at one location. */
export const adjustBody = z.object({
  locationId: z.uuid(),
  type: adjustKind,
  quantity: z.number().min(-100_000).max(100_000),
  reason: z.string().max(500).optional(),
});

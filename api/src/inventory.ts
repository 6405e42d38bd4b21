import { z } from 'zod';
import {
  COUNT_SCOPES,
  FIGURE_SOURCES,
  STOCK_PARTS,
  STOCK_SOURCES,
  STOCK_STATUSES,
  TRANSACTION_KINDS,
  adjustKind,
  countScope,
  localId,
  timestamp,
  uuid,
} from './common.js';
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

/** Who or what gave a part its figure, and when: "camera at 14:02", "count (whole location) by Sam at 13:40", "delivery". */
export const figureSource = z.strictObject({
  kind: z.enum(FIGURE_SOURCES),
  at: timestamp,
  userId: uuid.nullable(),
  userName: z.string().nullable(),
  /** a count: what it counted */
  counted: z.enum(COUNT_SCOPES).nullable(),
});
/** The last figure a person gave for a part (a count), kept in view even after the camera read again. */
export const personFigure = z.strictObject({
  units: z.number(),
  at: timestamp,
  userId: uuid.nullable(),
  userName: z.string().nullable(),
  counted: z.enum(COUNT_SCOPES),
  /** false once a later camera reading replaced it (an on-shelf count) */
  current: z.boolean(),
});
/** One part of an item's stock at a location; units null while nothing is known of it. */
export const stockPart = z.strictObject({
  units: z.number().nullable(),
  source: figureSource.nullable(),
  lastCount: personFigure.nullable(),
});

/**
 * One item's level at one location: where the number comes from and how fresh it is (the API and the live socket).
 * level = onShelf (what the cameras see in their slots, and on-shelf movements since their reading) + offCamera.
 */
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
  /** a camera watches this item here (a slot maps to it) */
  watched: z.boolean(),
  onShelf: stockPart,
  offCamera: stockPart,
});
/** A location's levels; nextCursor only when the caller paged (limit or cursor), null on the last page. */
export const locationStock = z.strictObject({ location, levels: z.array(stockLevel), nextCursor: z.string().nullable().optional() });

/** One row of the stock ledger. */
export const transaction = z.strictObject({
  id: uuid,
  itemId: uuid,
  locationId: uuid,
  type: z.enum(TRANSACTION_KINDS),
  quantity: z.number(),
  /** the part of the stock it moved */
  part: z.enum(STOCK_PARTS),
  /** a count: what it counted */
  counted: z.enum(COUNT_SCOPES).nullable(),
  /** the part's figure once the row applied (null on rows older than the split into parts) */
  partAfter: z.number().nullable(),
  /** the two rows of one transfer share it */
  transferId: uuid.nullable(),
  before: z.number().nullable(),
  after: z.number().nullable(),
  userId: uuid.nullable(),
  reason: z.string().nullable(),
  sourceType: z.string().nullable(),
  sourceId: z.string().nullable(),
  at: timestamp,
});
export const adjustment = z.strictObject({ transaction, stock: stockLevel });
/** A transfer: the row out of one location, the row into the other, and both levels after. */
export const transferResult = z.strictObject({
  transferId: uuid,
  out: transaction,
  in: transaction,
  from: stockLevel,
  to: stockLevel,
});
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

/**
 * Body of POST /inventory/items/:id/adjust: one count, waste, receipt, sale or adjustment at one location.
 * COUNT: quantity is the level counted, of `part` (default whole: the whole location; on_shelf corrects the
 * camera; off_camera is the rest). RECEIVE: locationId may be left out, the delivery goes to the venue's
 * storage location (venueId names the venue when the organisation has several). SALE, WASTE: a positive
 * amount, from the shelf where a camera watches the item, else off camera, unless part says.
 */
export const adjustBody = z
  .object({
    locationId: z.uuid().optional(),
    venueId: z.uuid().optional().describe('RECEIVE without locationId: the venue whose storage takes the delivery'),
    type: adjustKind,
    quantity: z.number().min(-100_000).max(100_000),
    part: countScope.optional().describe('which part of the stock: on_shelf, off_camera, or (a count only) whole'),
    reason: z.string().max(500).optional(),
  })
  .refine((b) => b.locationId !== undefined || b.type === 'RECEIVE', {
    message: 'locationId is required (only a delivery goes to storage by default)',
    path: ['locationId'],
  });

/**
 * Body of POST /inventory/items/:id/transfer: quantity bottles moved from one location to another, as one
 * pair of TRANSFER rows. fromLocationId left out: the destination venue's storage location.
 */
export const transferBody = z
  .object({
    fromLocationId: z.uuid().optional(),
    toLocationId: z.uuid(),
    quantity: z.number().positive().max(100_000),
    fromPart: z.enum(STOCK_PARTS).optional().describe('default off_camera'),
    toPart: z.enum(STOCK_PARTS).optional().describe('default off_camera'),
    reason: z.string().max(500).optional(),
  })
  .refine((b) => b.fromLocationId !== b.toLocationId, { message: 'a transfer needs two different locations', path: ['toLocationId'] });

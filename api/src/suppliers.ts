import { z } from 'zod';
import { timestamp, uuid } from './common.js';

export const supplier = z.strictObject({
  id: uuid,
  orgId: uuid,
  name: z.string(),
  contactName: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  /** ISO weekdays the supplier takes orders on, 1 = Monday … 7 = Sunday; empty: any day */
  orderingDays: z.array(z.number().int()),
  leadTimeDays: z.number().int(),
  minOrderValue: z.number().nullable(),
  minOrderUnits: z.number().int().nullable(),
});

/** What one supplier sells of one item: its code, its case and today's price of the case. */
export const supplierOffer = z.strictObject({
  supplierId: uuid,
  itemId: uuid,
  supplierCode: z.string().nullable(),
  caseSize: z.number().int(),
  casePrice: z.number().nullable(),
  preferred: z.boolean(),
  updatedAt: timestamp,
});
export const supplierWithItems = supplier.extend({ items: z.array(supplierOffer) });

export const PRICE_SOURCES = ['manual', 'receipt', 'migration'] as const;

/** GET /suppliers/pricing: every supplier of an item, cheapest per bottle first. */
export const itemPricing = z.strictObject({
  itemId: uuid,
  name: z.string(),
  offers: z.array(
    z.strictObject({
      supplierId: uuid,
      supplierName: z.string(),
      supplierCode: z.string().nullable(),
      caseSize: z.number().int(),
      casePrice: z.number().nullable(),
      /** the case price split over its bottles */
      unitPrice: z.number().nullable(),
      preferred: z.boolean(),
      cheapest: z.boolean(),
      history: z.array(z.strictObject({ caseSize: z.number().int(), casePrice: z.number(), source: z.enum(PRICE_SOURCES), at: timestamp })),
    }),
  ),
});

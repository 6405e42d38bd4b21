import { z } from 'zod';
import { uuid } from './common.js';

/** Every barcode of one item, its first (items.barcode) first: any of them finds the item when scanned. */
export const itemBarcodes = z.strictObject({
  itemId: uuid,
  barcodes: z.array(z.strictObject({ barcode: z.string(), primary: z.boolean() })),
});

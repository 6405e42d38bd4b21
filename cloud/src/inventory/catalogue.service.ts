import type { Db, Queryable } from '../db/types.js';
import { auditLog } from '../audit/index.js';
import type { Actor } from '../plugins/http.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { BarcodeRepository } from './barcode.repository.js';
import { ItemRepository } from './item.repository.js';

/** GTIN-8, UPC-A (12), EAN-13 and GTIN-14 end in a check digit: a mistyped or misread code fails it. */
function gtinCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = digits.length - 2, w = 3; i >= 0; i--, w = 4 - w) sum += Number(digits[i]) * w;
  return (10 - (sum % 10)) % 10;
}

/** A barcode as a person typed or a camera read it, trimmed, or a 400 saying what is wrong with it. */
export function checkBarcode(raw: string, field = 'barcode'): string {
  const code = raw.trim();
  if (!code) throw badRequest('the barcode is empty', field);
  if (code.length > 64) throw badRequest(`a barcode is at most 64 characters; this one has ${code.length}`, field);
  if (/\s|\p{C}/u.test(code)) throw badRequest(`the barcode ${JSON.stringify(code)} has spaces or invisible characters in it`, field);
  if (/^\d+$/.test(code) && [8, 12, 13, 14].includes(code.length)) {
    const expected = gtinCheckDigit(code);
    if (Number(code.at(-1)) !== expected)
      throw badRequest(`${code} is not a valid barcode: its last digit should be ${expected}; check the digits`, field);
  }
  return code;
}

/** Refuses a barcode another live item has (or its zero-padded twin): a scan must find one item. */
export async function assertBarcodeFree(q: Queryable, orgId: string, barcode: string, itemId?: string, field = 'barcode') {
  const owner = await new BarcodeRepository(q).owner(orgId, barcode);
  if (owner && owner.id !== itemId) throw conflict(`the barcode ${barcode} is already on "${owner.name}"`, field);
  return owner?.id === itemId;
}

/** Par and reorder point that make sense together: the reorder point is the level at which to order, at or below par. */
export function checkStockSettings(settings: readonly { parLevel: number; reorderPoint: number }[] | undefined) {
  settings?.forEach((s, i) => {
    if (s.reorderPoint > s.parLevel)
      throw badRequest(
        `the reorder point (${s.reorderPoint}) is above the par level (${s.parLevel}): order when stock falls to a level at or below par`,
        `locations.${i}.reorderPoint`,
      );
  });
}

/** A new or edited item's barcode and stock settings, checked inside the write's transaction. */
export async function vetItem(
  q: Queryable,
  orgId: string,
  input: { barcode?: string | null | undefined; locations?: readonly { parLevel: number; reorderPoint: number }[] | undefined },
  itemId?: string,
): Promise<void> {
  checkStockSettings(input.locations);
  if (input.barcode) {
    input.barcode = checkBarcode(input.barcode);
    await assertBarcodeFree(q, orgId, input.barcode, itemId);
  }
}

/** An item's barcodes: the scanner's "this is …" attaches one, the item page lists and removes them. */
export class CatalogueService {
  constructor(private readonly db: Db) {}

  async barcodes(orgId: string, itemId: string) {
    if (!(await new ItemRepository(this.db).get(orgId, itemId))) throw notFound('item');
    return { itemId, barcodes: await new BarcodeRepository(this.db).ofItem(orgId, itemId) };
  }

  /** The barcode becomes the item's first when it has none, one of its others when it has. Attaching one it has is a no-op. */
  async attach(a: Actor, itemId: string, raw: string) {
    const barcode = checkBarcode(raw);
    return this.db.transaction(async (tx) => {
      const items = new ItemRepository(tx);
      const codes = new BarcodeRepository(tx);
      const item = await items.get(a.orgId, itemId);
      if (!item) throw notFound('item');
      if (item.archived) throw conflict(`"${item.name}" is archived: restore it before adding a barcode`, 'itemId');
      const mine = await assertBarcodeFree(tx, a.orgId, barcode, itemId);
      if (!mine) {
        if (item.barcode === null) await items.update(a.orgId, itemId, { barcode });
        else await codes.add(a.orgId, itemId, barcode);
        await auditLog(tx).record(a.orgId, {
          userId: a.userId,
          action: 'add_barcode',
          entity: 'item',
          entityId: itemId,
          detail: { barcode },
        });
      }
      return { itemId, barcodes: await codes.ofItem(a.orgId, itemId) };
    });
  }

  /** Removes one of the item's barcodes; when it was the first, the oldest other takes its place. */
  async detach(a: Actor, itemId: string, barcode: string) {
    return this.db.transaction(async (tx) => {
      const items = new ItemRepository(tx);
      const codes = new BarcodeRepository(tx);
      const item = await items.get(a.orgId, itemId);
      if (!item) throw notFound('item');
      if (item.barcode === barcode) await items.update(a.orgId, itemId, { barcode: await codes.takeOldest(a.orgId, itemId) });
      else if (!(await codes.remove(a.orgId, itemId, barcode))) throw notFound(`barcode ${barcode} on "${item.name}"`);
      await auditLog(tx).record(a.orgId, {
        userId: a.userId,
        action: 'remove_barcode',
        entity: 'item',
        entityId: itemId,
        detail: { barcode },
      });
      return { itemId, barcodes: await codes.ofItem(a.orgId, itemId) };
    });
  }
}

// The catalogue's calls (items, barcodes, suppliers' offers, draft orders, transfers) over
// the one API client, kept apart from api.ts so the views that manage items have one place.
import type * as contract from '@smartstock/api';
import type { Wire } from '@smartstock/api';
import type { Api } from './api';
import type { Item, StockLevel } from './types';

export type ItemBarcodes = Wire<typeof contract.itemBarcodes>;
export type Supplier = Wire<typeof contract.supplier>;
export type ItemPricing = Wire<typeof contract.itemPricing>;
export type DraftLineAdded = Wire<typeof contract.draftLineAdded>;
/** What the item form sends; the cloud validates every field and says which is wrong. */
export interface ItemInput {
  sku: string;
  name: string;
  category?: string;
  barcode?: string | null;
  bottleSizeMl?: number | null;
  unitCost?: number | null;
  locations?: { locationId: string; parLevel: number; reorderPoint: number }[];
}
export interface OfferInput {
  itemId: string;
  supplierCode: string | null;
  caseSize: number;
  casePrice: number | null;
  preferred: boolean;
}
/** POST /inventory/items/{id}/transfer: both sides of the move, as the cloud says they stand after. */
export interface TransferResult {
  from: StockLevel;
  to: StockLevel;
}

export class CatalogueApi {
  constructor(private readonly api: Api) {}

  createItem(i: ItemInput) {
    return this.api.json<Item>('POST', '/inventory/items', i);
  }
  updateItem(id: string, i: Partial<ItemInput>) {
    return this.api.json<Item>('PATCH', `/inventory/items/${id}`, i);
  }
  barcodes(id: string) {
    return this.api.json<ItemBarcodes>('GET', `/inventory/items/${id}/barcodes`);
  }
  attachBarcode(id: string, barcode: string) {
    return this.api.json<ItemBarcodes>('POST', `/inventory/items/${id}/barcodes`, { barcode });
  }
  removeBarcode(id: string, barcode: string) {
    return this.api.json<ItemBarcodes>('POST', `/inventory/items/${id}/barcodes/remove`, { barcode });
  }
  suppliers() {
    return this.api.json<Supplier[]>('GET', '/suppliers');
  }
  createSupplier(name: string) {
    return this.api.json<Supplier>('POST', '/suppliers', { name });
  }
  pricing(itemId: string) {
    return this.api.json<ItemPricing>('GET', `/suppliers/pricing?${new URLSearchParams({ item_id: itemId })}`);
  }
  setOffer(supplierId: string, o: OfferInput) {
    return this.api.json<unknown>('PUT', `/suppliers/${supplierId}/items`, o);
  }
  addToDraft(body: { venueId: string; itemId: string; cases: number }) {
    return this.api.json<DraftLineAdded>('POST', '/orders/draft-lines', body);
  }
  transfer(itemId: string, body: { fromLocationId: string; toLocationId: string; quantity: number; reason?: string }) {
    return this.api.json<TransferResult>('POST', `/inventory/items/${itemId}/transfer`, body);
  }
}

// Ordering's calls (suppliers, suggestions, purchase orders, invoices) over the one API client,
// kept apart from api.ts as catalogue.ts is, so the ordering views have one place.
import type * as contract from '@smartstock/api';
import type { Wire } from '@smartstock/api';
import type { Api } from './api';
import { query } from './api-client';

export type Supplier = Wire<typeof contract.supplier>;
export type SupplierInput = Omit<Supplier, 'id' | 'orgId'>;
export type Suggestions = Wire<typeof contract.orderSuggestions>;
export type SupplierSuggestion = Suggestions['suppliers'][number];
export type SuggestedLine = Wire<typeof contract.suggestedLine>;
export type PurchaseOrder = Wire<typeof contract.purchaseOrder>;
export type OrderLine = PurchaseOrder['lines'][number];
export type OrderState = PurchaseOrder['status'];
export type Invoice = Wire<typeof contract.invoice>;
export type InvoiceLine = Invoice['lines'][number];
export type InvoiceAccepted = Wire<typeof contract.invoiceAccepted>;
export interface InvoiceApproval {
  supplierId?: string;
  orderId?: string | null;
  lines?: { lineId: string; itemId?: string | null; skip?: boolean; quantity?: number; unitPrice?: number }[];
}

export class OrderingApi {
  constructor(private readonly api: Api) {}

  suppliers() {
    return this.api.json<Supplier[]>('GET', '/suppliers');
  }
  createSupplier(s: SupplierInput) {
    return this.api.json<Supplier>('POST', '/suppliers', s);
  }
  updateSupplier(id: string, s: Partial<SupplierInput>) {
    return this.api.json<Supplier>('PATCH', `/suppliers/${id}`, s);
  }
  suggestions(venueId: string) {
    return this.api.json<Suggestions>('GET', `/orders/suggestions?${query({ venue_id: venueId })}`);
  }
  orders(venueId: string, status?: OrderState) {
    return this.api.json<PurchaseOrder[]>('GET', `/orders?${query({ venue_id: venueId, status, limit: '100' })}`);
  }
  order(id: string) {
    return this.api.json<PurchaseOrder>('GET', `/orders/${id}`);
  }
  createOrder(o: { venueId: string; supplierId: string; lines: { itemId: string; cases: number }[] }) {
    return this.api.json<PurchaseOrder>('POST', '/orders/create', o);
  }
  setCases(id: string, lines: { lineId: string; cases: number }[]) {
    return this.api.json<PurchaseOrder>('PATCH', `/orders/${id}/lines`, { lines });
  }
  step(id: string, step: 'approve' | 'send' | 'cancel') {
    return this.api.json<PurchaseOrder>('POST', `/orders/${id}/${step}`, {});
  }
  receive(id: string, lines: { lineId: string; units: number }[]) {
    return this.api.json<PurchaseOrder>('POST', `/orders/${id}/receive`, { lines });
  }
  pdf(id: string) {
    return this.api.blob(`/orders/${id}/pdf`);
  }
  invoices(venueId: string) {
    return this.api.json<Invoice[]>('GET', `/invoices?${query({ venue_id: venueId, limit: '50' })}`);
  }
  invoice(id: string) {
    return this.api.json<Invoice>('GET', `/invoices/${id}`);
  }
  uploadInvoice(venueId: string, file: Blob) {
    return this.api.json<InvoiceAccepted>('POST', `/invoices/process-ocr?${query({ venue_id: venueId })}`, file);
  }
  approveInvoice(id: string, a: InvoiceApproval) {
    return this.api.json<Invoice>('POST', `/invoices/${id}/approve`, a);
  }
}

const STATE_WORDS: Record<OrderState, string> = {
  draft: 'Draft',
  approved: 'Approved',
  sent: 'Sent',
  partly_received: 'Partly received',
  received: 'Received',
  cancelled: 'Cancelled',
};
export const stateLabel = (s: OrderState) => STATE_WORDS[s];
export { money } from './money';
export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
/** "Mon, Thu" from ISO weekdays; empty: any day */
export const daysLabel = (days: number[]) => (days.length ? days.map((d) => WEEKDAYS[d - 1]).join(', ') : 'any day');

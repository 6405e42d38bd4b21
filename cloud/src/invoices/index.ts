import type { FastifyInstance } from 'fastify';
import type { InvoiceService } from './invoice.service.js';
import type { ApprovalDeps } from './approval.js';
import invoiceRoutes from './routes.js';

export { InvoiceService, READ_INVOICE, type InvoiceDeps } from './invoice.service.js';
export type { ApprovalDeps } from './approval.js';
export { Ocr } from './reading/ocr.js';

/** /invoices: supplier invoices uploaded, read by a job (PDF text or OCR), reviewed and approved into stock. */
export async function invoicesModule(app: FastifyInstance, options: { invoices: InvoiceService; approval: ApprovalDeps }): Promise<void> {
  await app.register(invoiceRoutes, options);
}

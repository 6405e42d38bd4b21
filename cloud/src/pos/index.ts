import type { FastifyInstance } from 'fastify';
import type { PosService } from './pos.service.js';
import type { CsvImportService } from './csv.service.js';
import type { Queryable } from '../db/types.js';
import { SaleRepository } from './sale.repository.js';
import posRoutes from './routes.js';
import webhookRoutes from './webhook.routes.js';

export { PosService, FETCH_ORDER_JOB, BACKFILL_JOB, type ConnectionRequest } from './pos.service.js';
export { CsvImportService } from './csv.service.js';
export { NightlyBackfill } from './nightly-backfill.js';
export { SalesLedger } from './sales.js';
export { SecretBox, posSecretKey, type PosSecrets } from './secrets.js';
export { SquareAdapter, squareSignature, SIGNATURE_HEADER } from './adapters/square.js';
export { ToastAdapter, toastSignature, TOAST_SIGNATURE_HEADER, TOAST_TIMESTAMP_HEADER } from './adapters/toast.js';
export { TabitAdapter, tabitSignature, TABIT_SIGNATURE_HEADER } from './adapters/tabit.js';
export type { PosAdapter, PosOrder, PosLine } from './adapters/types.js';

/** What the variance report reads of the sales: their revenue per item and location (cents). */
export type PosRevenue = Pick<SaleRepository, 'revenueByItem'>;
export const posRevenue = (q: Queryable): PosRevenue => new SaleRepository(q);

/** /pos: connections, webhooks, CSV import, the unmapped queue and the share of sales mapped. */
export async function posModule(app: FastifyInstance, options: { pos: PosService; csv: CsvImportService }): Promise<void> {
  await app.register(posRoutes, options);
  await app.register(webhookRoutes, { pos: options.pos });
}

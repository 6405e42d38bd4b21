import type { FastifyInstance } from 'fastify';
import type { Queryable } from '../db/types.js';
import { SupplierRepository } from './supplier.repository.js';
import type { SupplierService } from './supplier.service.js';
import supplierRoutes from './routes.js';

export { SupplierService, unitPrice } from './supplier.service.js';
export type { Offer, Supplier } from './supplier.repository.js';

/** What orders read and write inside their own transaction: suppliers, offers, and a delivery's price. */
export type SupplierRecords = Pick<SupplierRepository, 'get' | 'list' | 'offers' | 'setCasePrice' | 'recordPrice'>;
export const supplierRecords = (q: Queryable): SupplierRecords => new SupplierRepository(q);

/** /suppliers: suppliers, their offers, and the price comparison per bottle. */
export async function suppliersModule(app: FastifyInstance, options: { suppliers: SupplierService }): Promise<void> {
  await app.register(supplierRoutes, options);
}

import type { FastifyInstance } from 'fastify';
import type { Queryable } from '../db/types.js';
import { AuditRepository, type AuditEntry } from './audit.repository.js';
import { auditRoutes } from './routes.js';
import type { AuditService } from './audit.service.js';

export type { AuditEntry };
export { AuditService } from './audit.service.js';

/** Who changed what: other modules write it inside their own transaction. */
export interface AuditLog {
  record(orgId: string, e: AuditEntry): Promise<void>;
}
export const auditLog = (q: Queryable): AuditLog => new AuditRepository(q);

/** /audit: the trail read back, owner only. */
export async function auditModule(app: FastifyInstance, options: { audit: AuditService }): Promise<void> {
  await app.register(auditRoutes, options);
}

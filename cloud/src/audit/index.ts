import type { Queryable } from '../db/types.js';
import { AuditRepository, type AuditEntry } from './audit.repository.js';

export type { AuditEntry };

/** Who changed what: other modules write it inside their own transaction. */
export interface AuditLog {
  record(orgId: string, e: AuditEntry): Promise<void>;
}
export const auditLog = (q: Queryable): AuditLog => new AuditRepository(q);

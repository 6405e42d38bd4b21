import type { Queryable } from '../db/types.js';

export interface AuditEntry {
  userId: string | null;
  action: string;
  entity: string;
  entityId?: string | null;
  detail?: Record<string, unknown> | null;
}

/** Who changed what; written by services in the same transaction as the change where there is one. */
export class AuditRepository {
  constructor(private readonly db: Queryable) {}

  async record(orgId: string, e: AuditEntry): Promise<void> {
    await this.db.query('INSERT INTO audit_log (org_id, user_id, action, entity, entity_id, detail) VALUES ($1, $2, $3, $4, $5, $6)', [
      orgId,
      e.userId,
      e.action,
      e.entity,
      e.entityId ?? null,
      e.detail ? JSON.stringify(e.detail) : null,
    ]);
  }

  async list(orgId: string, limit = 100): Promise<(AuditEntry & { at: Date })[]> {
    const { rows } = await this.db.query<AuditEntry & { at: Date }>(
      `SELECT user_id AS "userId", action, entity, entity_id AS "entityId", detail, at FROM audit_log WHERE org_id = $1 ORDER BY id DESC LIMIT $2`,
      [orgId, limit],
    );
    return rows;
  }
}

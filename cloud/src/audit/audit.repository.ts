import type { Queryable } from '../db/types.js';

export interface AuditEntry {
  userId: string | null;
  action: string;
  entity: string;
  entityId?: string | null;
  detail?: Record<string, unknown> | null;
}

export interface AuditFilter {
  actor?: string | undefined;
  action?: string | undefined;
  entity?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** keyset: rows with a smaller id */
  before?: bigint | undefined;
  limit: number;
}

export interface AuditRow {
  id: string;
  at: Date;
  userId: string | null;
  email: string | null;
  name: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  detail: Record<string, unknown> | null;
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

  /** Newest first, with the actor's name and e-mail (a user who left keeps their rows). */
  async page(orgId: string, f: AuditFilter): Promise<AuditRow[]> {
    const { rows } = await this.db.query<AuditRow>(
      `SELECT a.id::text AS id, a.at, a.user_id AS "userId", u.email, u.name, a.action, a.entity, a.entity_id AS "entityId", a.detail
       FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
       WHERE a.org_id = $1 AND ($2::uuid IS NULL OR a.user_id = $2) AND ($3::text IS NULL OR a.action = $3)
         AND ($4::text IS NULL OR a.entity = $4) AND ($5::timestamptz IS NULL OR a.at >= $5)
         AND ($6::timestamptz IS NULL OR a.at < $6) AND ($7::bigint IS NULL OR a.id < $7)
       ORDER BY a.id DESC LIMIT $8`,
      [orgId, f.actor ?? null, f.action ?? null, f.entity ?? null, f.from ?? null, f.to ?? null, f.before?.toString() ?? null, f.limit],
    );
    return rows;
  }
}

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
  entityName: string | null;
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

  /**
   * Newest first, with the actor's name and e-mail (a user who left keeps their rows) and the name of
   * what was changed as it is called now, so the owner reads "Grey Goose", not a uuid; null once it is gone.
   */
  async page(orgId: string, f: AuditFilter): Promise<AuditRow[]> {
    const { rows } = await this.db.query<AuditRow>(
      `SELECT a.id::text AS id, a.at, a.user_id AS "userId", u.email, u.name, a.action, a.entity, a.entity_id AS "entityId",
         ${ENTITY_NAME} AS "entityName", a.detail
       FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
         -- entity_id is text (a device id or a slot path as well as uuids): only a uuid is cast, so the lookups use the keys
         LEFT JOIN LATERAL (SELECT CASE WHEN a.entity_id ~* '${UUID}' THEN a.entity_id::uuid END AS uid) target ON true
       WHERE a.org_id = $1 AND ($2::uuid IS NULL OR a.user_id = $2) AND ($3::text IS NULL OR a.action = $3)
         AND ($4::text IS NULL OR a.entity = $4) AND ($5::timestamptz IS NULL OR a.at >= $5)
         AND ($6::timestamptz IS NULL OR a.at < $6) AND ($7::bigint IS NULL OR a.id < $7)
       ORDER BY a.id DESC LIMIT $8`,
      [orgId, f.actor ?? null, f.action ?? null, f.entity ?? null, f.from ?? null, f.to ?? null, f.before?.toString() ?? null, f.limit],
    );
    return rows;
  }
}

const UUID = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

/** What each kind of entity is called, looked up within the row's organisation; the kinds services write (grep `entity: '`). */
const ENTITY_NAME = `CASE a.entity
  WHEN 'item' THEN (SELECT name FROM items WHERE id = target.uid AND org_id = a.org_id)
  WHEN 'venue' THEN (SELECT name FROM venues WHERE id = target.uid AND org_id = a.org_id)
  WHEN 'drift_thresholds' THEN (SELECT name FROM venues WHERE id = target.uid AND org_id = a.org_id)
  WHEN 'device' THEN (SELECT name FROM devices WHERE id = a.entity_id AND org_id = a.org_id)
  WHEN 'slot' THEN (SELECT name || ', camera ' || split_part(a.entity_id, '/', 2) || ', slot ' || split_part(a.entity_id, '/', 3)
    FROM devices WHERE id = split_part(a.entity_id, '/', 1) AND org_id = a.org_id)
  WHEN 'user' THEN (SELECT name FROM users WHERE id = target.uid AND org_id = a.org_id)
  WHEN 'invitation' THEN (SELECT email FROM invitations WHERE id = target.uid AND org_id = a.org_id)
  WHEN 'supplier' THEN (SELECT name FROM suppliers WHERE id = target.uid AND org_id = a.org_id)
  WHEN 'purchase_order' THEN (SELECT s.name FROM purchase_orders o JOIN suppliers s ON s.id = o.supplier_id
    WHERE o.id = target.uid AND o.org_id = a.org_id)
  WHEN 'invoice' THEN (SELECT nullif(concat_ws(' ', coalesce(s.name, i.supplier_name), i.invoice_number), '')
    FROM invoices i LEFT JOIN suppliers s ON s.id = i.supplier_id WHERE i.id = target.uid AND i.org_id = a.org_id)
  WHEN 'recipe' THEN (SELECT name FROM recipes WHERE id = target.uid AND org_id = a.org_id)
  WHEN 'pos_connection' THEN (SELECT name FROM pos_connections WHERE id = target.uid AND org_id = a.org_id)
  WHEN 'organisation' THEN (SELECT name FROM organisations WHERE id = target.uid AND id = a.org_id)
  WHEN 'oidc_issuer' THEN (SELECT issuer FROM oidc_issuers WHERE org_id = target.uid AND org_id = a.org_id)
END`;

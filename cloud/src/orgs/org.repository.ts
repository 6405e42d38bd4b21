import type { Queryable } from '../db/types.js';

export interface OrganisationRow {
  id: string;
  name: string;
  /** ISO 4217 */
  currency: string;
  createdAt: Date;
  suspendedAt: Date | null;
  suspendedReason: string | null;
  deletionDueAt: Date | null;
}
export interface OperatorOrganisationRow extends OrganisationRow {
  members: number;
  venues: number;
}

const ORG = `o.id, o.name, o.currency, o.created_at AS "createdAt", o.suspended_at AS "suspendedAt",
  o.suspended_reason AS "suspendedReason", o.deletion_due_at AS "deletionDueAt"`;

/** An organisation's own state: suspension and scheduled deletion. Every read takes the org id (the operator's list is the one cross-org read). */
export class OrgRepository {
  constructor(private readonly db: Queryable) {}

  async get(orgId: string): Promise<OrganisationRow | undefined> {
    const { rows } = await this.db.query<OrganisationRow>(`SELECT ${ORG} FROM organisations o WHERE o.id = $1`, [orgId]);
    return rows[0];
  }

  /** For the platform's operator only: every organisation with its size. */
  async listAll(): Promise<OperatorOrganisationRow[]> {
    const { rows } = await this.db.query<OperatorOrganisationRow>(
      `SELECT ${ORG},
         (SELECT count(*)::int FROM memberships m WHERE m.org_id = o.id) AS members,
         (SELECT count(*)::int FROM venues v WHERE v.org_id = o.id) AS venues
       FROM organisations o ORDER BY o.created_at`,
    );
    return rows;
  }

  async setSuspended(orgId: string, reason: string | null): Promise<OrganisationRow | undefined> {
    const { rows } = await this.db.query<OrganisationRow>(
      `UPDATE organisations o SET suspended_at = CASE WHEN $2::text IS NULL THEN NULL ELSE now() END, suspended_reason = $2
       WHERE o.id = $1 RETURNING ${ORG}`,
      [orgId, reason],
    );
    return rows[0];
  }

  async setDeletionDue(orgId: string, dueAt: Date | null): Promise<OrganisationRow | undefined> {
    const { rows } = await this.db.query<OrganisationRow>(
      `UPDATE organisations o SET deletion_due_at = $2 WHERE o.id = $1 RETURNING ${ORG}`,
      [orgId, dueAt],
    );
    return rows[0];
  }

  async setCurrency(orgId: string, currency: string): Promise<OrganisationRow | undefined> {
    const { rows } = await this.db.query<OrganisationRow>(`UPDATE organisations o SET currency = $2 WHERE o.id = $1 RETURNING ${ORG}`, [
      orgId,
      currency,
    ]);
    return rows[0];
  }

  /** Organisations whose grace period is over. */
  async dueForDeletion(): Promise<string[]> {
    const { rows } = await this.db.query<{ id: string }>('SELECT id FROM organisations WHERE deletion_due_at <= now()');
    return rows.map((row) => row.id);
  }

  /**
   * Deletes the organisation and everything it owns: its rows go by ON DELETE CASCADE, the rows
   * kept without a foreign key (dead letters, observation ids) here, and the people who belonged to no other organisation.
   * Only while the deletion is still due: a cancellation that raced the job wins.
   */
  async deleteOrganisation(orgId: string): Promise<boolean> {
    await this.db.query(
      `DELETE FROM users u WHERE u.id IN (SELECT user_id FROM memberships WHERE org_id = $1)
         AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.org_id <> $1)
         AND EXISTS (SELECT 1 FROM organisations WHERE id = $1 AND deletion_due_at <= now())`,
      [orgId],
    );
    const result = await this.db.query('DELETE FROM organisations WHERE id = $1 AND deletion_due_at <= now()', [orgId]);
    if (result.rowCount === 0) return false;
    await this.db.query('DELETE FROM dead_letters WHERE org_id = $1', [orgId]);
    // the ids its observations claimed have no key to cascade by (migration 281: a check a stored row on ingest's path)
    await this.db.query('DELETE FROM observation_ids WHERE org_id = $1', [orgId]);
    return true;
  }
}

import type { Queryable } from '../db/types.js';
import type { Role } from '../plugins/principal.js';

export interface InvitationRow {
  id: string;
  orgId: string;
  email: string;
  role: Role;
  expiresAt: Date;
  createdAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
}

const INVITATION = `id, org_id AS "orgId", email, role, expires_at AS "expiresAt", created_at AS "createdAt",
  accepted_at AS "acceptedAt", revoked_at AS "revokedAt"`;

/** Invitations by link; only the token's SHA-256 is stored. */
export class InvitationRepository {
  constructor(private readonly db: Queryable) {}

  async create(i: { orgId: string; email: string; role: Role; tokenHash: string; invitedBy: string | null; expiresAt: Date }) {
    const { rows } = await this.db.query<InvitationRow>(
      `INSERT INTO invitations (org_id, email, role, token_hash, invited_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6)
       RETURNING ${INVITATION}`,
      [i.orgId, i.email.toLowerCase(), i.role, i.tokenHash, i.invitedBy, i.expiresAt],
    );
    return rows[0]!;
  }

  async list(orgId: string): Promise<InvitationRow[]> {
    const { rows } = await this.db.query<InvitationRow>(
      `SELECT ${INVITATION} FROM invitations WHERE org_id = $1 ORDER BY created_at DESC LIMIT 200`,
      [orgId],
    );
    return rows;
  }

  /** The invitation a link's token names; FOR UPDATE so two acceptances of one link queue, and the second sees it used. */
  async findByToken(tokenHash: string, lock = false): Promise<InvitationRow | undefined> {
    const { rows } = await this.db.query<InvitationRow>(
      `SELECT ${INVITATION} FROM invitations WHERE token_hash = $1${lock ? ' FOR UPDATE' : ''}`,
      [tokenHash],
    );
    return rows[0];
  }

  async markAccepted(id: string, userId: string): Promise<void> {
    await this.db.query('UPDATE invitations SET accepted_at = now(), accepted_by = $2 WHERE id = $1', [id, userId]);
  }

  async revoke(orgId: string, id: string): Promise<boolean> {
    const result = await this.db.query(
      'UPDATE invitations SET revoked_at = now() WHERE org_id = $1 AND id = $2 AND accepted_at IS NULL AND revoked_at IS NULL',
      [orgId, id],
    );
    return result.rowCount > 0;
  }

  async exists(orgId: string, id: string): Promise<boolean> {
    const { rows } = await this.db.query('SELECT 1 FROM invitations WHERE org_id = $1 AND id = $2', [orgId, id]);
    return rows.length > 0;
  }
}

import type { Queryable } from '../db/types.js';

export interface RefreshTokenRow {
  id: string;
  familyId: string;
  userId: string;
  orgId: string;
  expiresAt: Date;
  rotatedAt: Date | null;
  revokedAt: Date | null;
}

/** Refresh tokens (stored hashed), in families that rotate. */
export class SessionRepository {
  constructor(private readonly db: Queryable) {}

  async insertRefreshToken(t: { familyId: string; userId: string; orgId: string; tokenHash: string; expiresAt: Date }): Promise<string> {
    const { rows } = await this.db.query<{ id: string }>(
      `INSERT INTO refresh_tokens (family_id, user_id, org_id, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [t.familyId, t.userId, t.orgId, t.tokenHash, t.expiresAt],
    );
    return rows[0]!.id;
  }

  async findRefreshToken(tokenHash: string): Promise<RefreshTokenRow | undefined> {
    const { rows } = await this.db.query<RefreshTokenRow>(
      `SELECT id, family_id AS "familyId", user_id AS "userId", org_id AS "orgId", expires_at AS "expiresAt",
              rotated_at AS "rotatedAt", revoked_at AS "revokedAt"
       FROM refresh_tokens WHERE token_hash = $1`,
      [tokenHash],
    );
    return rows[0];
  }

  /** Marks a token rotated only if it still is current: false means another request won the race. */
  async markRotated(id: string): Promise<boolean> {
    const result = await this.db.query(
      'UPDATE refresh_tokens SET rotated_at = now() WHERE id = $1 AND rotated_at IS NULL AND revoked_at IS NULL',
      [id],
    );
    return result.rowCount > 0;
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.db.query('UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL', [familyId]);
  }
}

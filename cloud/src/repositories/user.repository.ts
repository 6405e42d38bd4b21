import type { Queryable } from '../db/types.js';
import type { Role } from '../auth/roles.js';

export interface User {
  id: string;
  email: string;
  name: string;
  mustChangePassword: boolean;
}
export interface Member extends User {
  orgId: string;
  role: Role;
}
export interface Credentials extends Member {
  passwordHash: string;
  disabled: boolean;
}
export interface RefreshTokenRow {
  id: string;
  familyId: string;
  userId: string;
  orgId: string;
  expiresAt: Date;
  rotatedAt: Date | null;
  revokedAt: Date | null;
}

const MEMBER = `u.id, u.email, u.name, u.must_change_password AS "mustChangePassword", m.org_id AS "orgId", m.role`;

/** Users, their memberships, and refresh tokens (stored hashed). */
export class UserRepository {
  constructor(private readonly db: Queryable) {}

  async countUsers(): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
    return rows[0]!.n;
  }

  async createUser(u: { email: string; name: string; passwordHash: string; mustChangePassword?: boolean }): Promise<User> {
    const { rows } = await this.db.query<User>(
      `INSERT INTO users (email, name, password_hash, must_change_password) VALUES ($1, $2, $3, $4)
       RETURNING id, email, name, must_change_password AS "mustChangePassword"`,
      [u.email.toLowerCase(), u.name, u.passwordHash, u.mustChangePassword ?? false],
    );
    return rows[0]!;
  }

  async addMembership(orgId: string, userId: string, role: Role): Promise<void> {
    await this.db.query('INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, $3)', [orgId, userId, role]);
  }

  /** For sign-in: the user's first membership (one organisation per user in v1). */
  async findCredentials(email: string): Promise<Credentials | undefined> {
    const { rows } = await this.db.query<Credentials>(
      `SELECT ${MEMBER}, u.password_hash AS "passwordHash", u.disabled_at IS NOT NULL AS disabled
       FROM users u JOIN memberships m ON m.user_id = u.id WHERE u.email = $1 ORDER BY m.created_at LIMIT 1`,
      [email.toLowerCase()],
    );
    return rows[0];
  }

  async getMember(orgId: string, userId: string): Promise<Member | undefined> {
    const { rows } = await this.db.query<Member>(
      `SELECT ${MEMBER} FROM users u JOIN memberships m ON m.user_id = u.id
       WHERE m.org_id = $1 AND u.id = $2 AND u.disabled_at IS NULL`,
      [orgId, userId],
    );
    return rows[0];
  }

  async listMembers(orgId: string): Promise<Member[]> {
    const { rows } = await this.db.query<Member>(
      `SELECT ${MEMBER} FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.org_id = $1 ORDER BY u.email`,
      [orgId],
    );
    return rows;
  }

  async setRole(orgId: string, userId: string, role: Role): Promise<boolean> {
    const r = await this.db.query('UPDATE memberships SET role = $3 WHERE org_id = $1 AND user_id = $2', [orgId, userId, role]);
    return r.rowCount > 0;
  }

  /** Ends a person's membership and every session they hold in the organisation. */
  async removeMembership(orgId: string, userId: string): Promise<boolean> {
    const r = await this.db.query('DELETE FROM memberships WHERE org_id = $1 AND user_id = $2', [orgId, userId]);
    await this.db.query('UPDATE refresh_tokens SET revoked_at = now() WHERE org_id = $1 AND user_id = $2 AND revoked_at IS NULL', [
      orgId,
      userId,
    ]);
    return r.rowCount > 0;
  }

  async countOwners(orgId: string): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM memberships WHERE org_id = $1 AND role = 'owner'`, [
      orgId,
    ]);
    return rows[0]!.n;
  }

  async mustChangePassword(userId: string): Promise<boolean> {
    const { rows } = await this.db.query<{ must: boolean }>('SELECT must_change_password AS must FROM users WHERE id = $1', [userId]);
    return rows[0]?.must ?? false;
  }

  async setPassword(userId: string, passwordHash: string): Promise<void> {
    await this.db.query('UPDATE users SET password_hash = $2, must_change_password = false WHERE id = $1', [userId, passwordHash]);
  }

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
    const r = await this.db.query(
      'UPDATE refresh_tokens SET rotated_at = now() WHERE id = $1 AND rotated_at IS NULL AND revoked_at IS NULL',
      [id],
    );
    return r.rowCount > 0;
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.db.query('UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL', [familyId]);
  }
}

import type { Queryable } from '../db/types.js';
import type { Role } from '../plugins/principal.js';

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

const MEMBER = `u.id, u.email, u.name, u.must_change_password AS "mustChangePassword", m.org_id AS "orgId", m.role`;

/** Users and their memberships. */
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

  /** The person with this e-mail, member of any organisation or none. */
  async findByEmail(email: string): Promise<User | undefined> {
    const { rows } = await this.db.query<User>(
      `SELECT id, email, name, must_change_password AS "mustChangePassword" FROM users WHERE email = $1`,
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
    const result = await this.db.query('UPDATE memberships SET role = $3 WHERE org_id = $1 AND user_id = $2', [orgId, userId, role]);
    return result.rowCount > 0;
  }

  /** Ends a person's membership and every session they hold in the organisation. */
  async removeMembership(orgId: string, userId: string): Promise<boolean> {
    const result = await this.db.query('DELETE FROM memberships WHERE org_id = $1 AND user_id = $2', [orgId, userId]);
    await this.db.query('UPDATE refresh_tokens SET revoked_at = now() WHERE org_id = $1 AND user_id = $2 AND revoked_at IS NULL', [
      orgId,
      userId,
    ]);
    return result.rowCount > 0;
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

  /** Held for the first-start transaction: several instances starting together on an empty database, one seeds. */
  async lockFirstStart(): Promise<void> {
    await this.db.query('SELECT pg_advisory_xact_lock(727002)');
  }
}

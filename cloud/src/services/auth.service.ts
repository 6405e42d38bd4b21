import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../db/types.js';
import { repos } from '../repositories/index.js';
import type { Member } from '../repositories/user.repository.js';
import type { Role } from '../auth/roles.js';
import { conflict, forbidden, notFound, unauthorized } from '../errors.js';
import type { PasswordHasher } from '../auth/passwords.js';

/** What an access token carries: the caller's identity, organisation and role. */
export interface Principal {
  sub: string;
  org: string;
  role: Role;
  /** issued while the password was one-time: see plugins/auth.ts requirePasswordChanged */
  pwd?: true;
}
export interface Session {
  accessToken: string;
  refreshToken: string;
  user: { id: string; email: string; name: string; role: Role; orgId: string; mustChangePassword: boolean };
}
export interface AuthServiceDeps {
  db: Db;
  hasher: PasswordHasher;
  signAccessToken: (p: Principal) => string;
  refreshTtlSeconds: number;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Sign-in, refresh-token rotation with reuse detection, sign-out, users. */
export class AuthService {
  constructor(private readonly d: AuthServiceDeps) {}

  async login(email: string, password: string): Promise<Session> {
    const r = repos(this.d.db);
    const cred = await r.users.findCredentials(email);
    const ok = await this.d.hasher.verify(cred?.passwordHash, password);
    if (!cred || !ok || cred.disabled) throw unauthorized('wrong e-mail or password');
    await r.audit.record(cred.orgId, { userId: cred.id, action: 'login', entity: 'user', entityId: cred.id });
    return this.issue(cred, randomUUID());
  }

  /** Rotates a refresh token. Presenting one that was already rotated means it was stolen or replayed: the whole family is revoked. */
  async refresh(refreshToken: string): Promise<Session> {
    const r = repos(this.d.db);
    const row = await r.users.findRefreshToken(sha256(refreshToken));
    if (!row || row.revokedAt) throw unauthorized('refresh token is not valid');
    if (row.rotatedAt || !(await r.users.markRotated(row.id))) {
      await r.users.revokeFamily(row.familyId);
      throw unauthorized('refresh token was already used; all sessions from it are signed out');
    }
    if (new Date(row.expiresAt).getTime() < Date.now()) throw unauthorized('refresh token expired');
    const member = await r.users.getMember(row.orgId, row.userId);
    if (!member) throw unauthorized('account no longer active');
    return this.issue(member, row.familyId);
  }

  async logout(refreshToken: string | undefined): Promise<void> {
    if (!refreshToken) return;
    const r = repos(this.d.db);
    const row = await r.users.findRefreshToken(sha256(refreshToken));
    if (row) await r.users.revokeFamily(row.familyId);
  }

  async me(p: Principal): Promise<Member> {
    const m = await repos(this.d.db).users.getMember(p.org, p.sub);
    if (!m) throw unauthorized('account no longer active');
    return m;
  }

  listUsers(orgId: string) {
    return repos(this.d.db).users.listMembers(orgId);
  }

  async createUser(orgId: string, actor: string, u: { email: string; name: string; password: string; role: Role }): Promise<Member> {
    const hash = await this.d.hasher.hash(u.password);
    return this.d.db.transaction(async (tx) => {
      const r = repos(tx);
      if (await r.users.findCredentials(u.email)) throw conflict('a user with this e-mail exists', 'email');
      // the password the owner typed is for the first sign-in only: the person chooses their own then
      const user = await r.users.createUser({ email: u.email, name: u.name, passwordHash: hash, mustChangePassword: true });
      await r.users.addMembership(orgId, user.id, u.role);
      await r.audit.record(orgId, { userId: actor, action: 'create', entity: 'user', entityId: user.id, detail: { role: u.role } });
      return { ...user, orgId, role: u.role };
    });
  }

  /** A new role for someone else; the organisation always keeps at least one owner. */
  async setRole(orgId: string, actor: string, userId: string, role: Role): Promise<Member> {
    if (userId === actor) throw forbidden('you cannot change your own role: ask another owner');
    return this.d.db.transaction(async (tx) => {
      const r = repos(tx);
      const m = await r.users.getMember(orgId, userId);
      if (!m) throw notFound('user');
      if (m.role === 'owner' && role !== 'owner' && (await r.users.countOwners(orgId)) <= 1)
        throw conflict('the organisation needs at least one owner', 'role');
      await r.users.setRole(orgId, userId, role);
      await r.audit.record(orgId, { userId: actor, action: 'update', entity: 'user', entityId: userId, detail: { role, was: m.role } });
      return { ...m, role };
    });
  }

  /** Takes someone out of the organisation and ends their sessions there. */
  async removeUser(orgId: string, actor: string, userId: string): Promise<void> {
    if (userId === actor) throw forbidden('you cannot remove yourself: ask another owner');
    await this.d.db.transaction(async (tx) => {
      const r = repos(tx);
      const m = await r.users.getMember(orgId, userId);
      if (!m) throw notFound('user');
      if (m.role === 'owner' && (await r.users.countOwners(orgId)) <= 1) throw conflict('the organisation needs at least one owner');
      await r.users.removeMembership(orgId, userId);
      await r.audit.record(orgId, { userId: actor, action: 'delete', entity: 'user', entityId: userId, detail: { role: m.role } });
    });
  }

  async changePassword(p: Principal, password: string): Promise<void> {
    await repos(this.d.db).users.setPassword(p.sub, await this.d.hasher.hash(password));
  }

  private async issue(m: Member, familyId: string): Promise<Session> {
    const refreshToken = randomBytes(32).toString('base64url');
    await repos(this.d.db).users.insertRefreshToken({
      familyId,
      userId: m.id,
      orgId: m.orgId,
      tokenHash: sha256(refreshToken),
      expiresAt: new Date(Date.now() + this.d.refreshTtlSeconds * 1000),
    });
    return {
      accessToken: this.d.signAccessToken({
        sub: m.id,
        org: m.orgId,
        role: m.role,
        ...(m.mustChangePassword ? { pwd: true as const } : {}),
      }),
      refreshToken,
      user: { id: m.id, email: m.email, name: m.name, role: m.role, orgId: m.orgId, mustChangePassword: m.mustChangePassword },
    };
  }
}

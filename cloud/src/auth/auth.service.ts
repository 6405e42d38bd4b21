import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../db/types.js';
import { auditLog } from '../audit/index.js';
import type { Member, UserService } from '../users/index.js';
import { SessionRepository } from './session.repository.js';
import type { Principal, Role } from '../plugins/principal.js';
import { type AppError, unauthorized } from '../errors.js';

export interface Session {
  accessToken: string;
  refreshToken: string;
  user: { id: string; email: string; name: string; role: Role; orgId: string; mustChangePassword: boolean };
}
export interface AuthServiceDeps {
  db: Db;
  users: UserService;
  signAccessToken: (p: Principal) => string;
  refreshTtlSeconds: number;
  /** why the organisation may not sign in now (suspended), or undefined: asked before every session is issued */
  orgRefusal?: (orgId: string) => Promise<AppError | undefined>;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Sign-in, refresh-token rotation with reuse detection, sign-out. */
export class AuthService {
  constructor(private readonly deps: AuthServiceDeps) {}

  async login(email: string, password: string): Promise<Session> {
    const cred = await this.deps.users.findCredentials(email);
    const ok = await this.deps.users.verifyPassword(cred?.passwordHash, password);
    if (!cred || !ok || cred.disabled) throw unauthorized('wrong e-mail or password');
    await auditLog(this.deps.db).record(cred.orgId, { userId: cred.id, action: 'login', entity: 'user', entityId: cred.id });
    return this.issue(cred, randomUUID());
  }

  /** Rotates a refresh token. Presenting one that was already rotated means it was stolen or replayed: the whole family is revoked. */
  async refresh(refreshToken: string): Promise<Session> {
    const sessions = new SessionRepository(this.deps.db);
    const row = await sessions.findRefreshToken(sha256(refreshToken));
    if (!row || row.revokedAt) throw unauthorized('refresh token is not valid');
    if (row.rotatedAt || !(await sessions.markRotated(row.id))) {
      await sessions.revokeFamily(row.familyId);
      throw unauthorized('refresh token was already used; all sessions from it are signed out');
    }
    if (new Date(row.expiresAt).getTime() < Date.now()) throw unauthorized('refresh token expired');
    const member = await this.deps.users.getMember(row.orgId, row.userId);
    if (!member) throw unauthorized('account no longer active');
    return this.issue(member, row.familyId);
  }

  /** A session for someone another module has just let in (sign-up, an accepted invitation, a company account). */
  async sessionFor(m: Member, how: string): Promise<Session> {
    await auditLog(this.deps.db).record(m.orgId, { userId: m.id, action: 'login', entity: 'user', entityId: m.id, detail: { via: how } });
    return this.issue(m, randomUUID());
  }

  async logout(refreshToken: string | undefined): Promise<void> {
    if (!refreshToken) return;
    const sessions = new SessionRepository(this.deps.db);
    const row = await sessions.findRefreshToken(sha256(refreshToken));
    if (row) await sessions.revokeFamily(row.familyId);
  }

  async me(p: Principal): Promise<Member> {
    const m = await this.deps.users.getMember(p.org, p.sub);
    if (!m) throw unauthorized('account no longer active');
    return m;
  }

  async changePassword(p: Principal, password: string): Promise<void> {
    await this.deps.users.setPassword(p.org, p.sub, password);
  }

  private async issue(m: Member, familyId: string): Promise<Session> {
    const refusal = await this.deps.orgRefusal?.(m.orgId);
    if (refusal) throw refusal;
    const refreshToken = randomBytes(32).toString('base64url');
    await new SessionRepository(this.deps.db).insertRefreshToken({
      familyId,
      userId: m.id,
      orgId: m.orgId,
      tokenHash: sha256(refreshToken),
      expiresAt: new Date(Date.now() + this.deps.refreshTtlSeconds * 1000),
    });
    return {
      accessToken: this.deps.signAccessToken({
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

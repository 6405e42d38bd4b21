import { createHash, randomBytes } from 'node:crypto';
import type { Db, Queryable } from '../db/types.js';
import type { Logger } from '@smartstock/runtime';
import { auditLog } from '../audit/index.js';
import { userRecords, type UserService } from '../users/index.js';
import type { AuthService, Session } from '../auth/index.js';
import { AppError, forbidden, notFound } from '../errors.js';
import type { Actor } from '../plugins/http.js';
import type { Role } from '../plugins/principal.js';
import { InvitationRepository, type InvitationRow } from './invitation.repository.js';
import { OrgRepository } from './org.repository.js';

export interface InvitationServiceDeps {
  db: Db;
  users: UserService;
  auth: AuthService;
  logger: Logger;
  defaultTtlHours: number;
  /** where the dashboard is served: the link is `<base>/#/invite/<token>` */
  publicBaseUrl: () => string;
}

export type InvitationStatus = 'pending' | 'accepted' | 'expired' | 'revoked';
export type InvitationView = Omit<InvitationRow, 'orgId' | 'revokedAt'> & { status: InvitationStatus };
export type InvitationCreated = InvitationView & { link: string; token: string };

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const statusOf = (i: InvitationRow): InvitationStatus =>
  i.acceptedAt ? 'accepted' : i.revokedAt ? 'revoked' : i.expiresAt.getTime() <= Date.now() ? 'expired' : 'pending';
const view = (i: InvitationRow): InvitationView => ({
  id: i.id,
  email: i.email,
  role: i.role,
  status: statusOf(i),
  expiresAt: i.expiresAt,
  createdAt: i.createdAt,
  acceptedAt: i.acceptedAt,
});

/** Invitations by link with a role and an expiry; accepting one sets a password and joins the organisation. */
export class InvitationService {
  constructor(private readonly deps: InvitationServiceDeps) {}

  /** Owners invite any role; managers every role but owner. */
  async invite(a: Actor & { role: Role }, i: { email: string; role: Role; expiresInHours?: number | undefined }) {
    if (i.role === 'owner' && a.role !== 'owner') throw forbidden('only an owner may invite another owner');
    return this.deps.db.transaction((tx) => this.inviteIn(tx, a.orgId, a.userId, i));
  }

  /** Inside the caller's transaction: the operator's new organisation invites its owner this way. */
  async inviteIn(
    tx: Queryable,
    orgId: string,
    invitedBy: string | null,
    i: { email: string; role: Role; expiresInHours?: number | undefined },
  ): Promise<InvitationCreated> {
    const token = randomBytes(24).toString('base64url');
    const expiresAt = new Date(Date.now() + (i.expiresInHours ?? this.deps.defaultTtlHours) * 3_600_000);
    const row = await new InvitationRepository(tx).create({
      orgId,
      email: i.email,
      role: i.role,
      tokenHash: sha256(token),
      invitedBy,
      expiresAt,
    });
    await auditLog(tx).record(orgId, {
      userId: invitedBy,
      action: 'invite',
      entity: 'invitation',
      entityId: row.id,
      detail: { role: i.role, expiresAt: expiresAt.toISOString() },
    });
    return { ...view(row), token, link: `${this.deps.publicBaseUrl().replace(/\/$/, '')}/#/invite/${token}` };
  }

  async list(orgId: string): Promise<InvitationView[]> {
    return (await new InvitationRepository(this.deps.db).list(orgId)).map(view);
  }

  async revoke(a: Actor, id: string): Promise<void> {
    const invitations = new InvitationRepository(this.deps.db);
    if (!(await invitations.exists(a.orgId, id))) throw notFound('invitation');
    if (!(await invitations.revoke(a.orgId, id)))
      throw new AppError(409, 'invitation-closed', 'this invitation was already accepted or revoked');
    await auditLog(this.deps.db).record(a.orgId, { userId: a.userId, action: 'revoke', entity: 'invitation', entityId: id });
  }

  /** What the link offers, before the person chooses a password. */
  async preview(token: string) {
    const i = usable(await new InvitationRepository(this.deps.db).findByToken(sha256(token)));
    const org = await new OrgRepository(this.deps.db).get(i.orgId);
    return { organisation: org?.name ?? '', email: i.email, role: i.role, expiresAt: i.expiresAt };
  }

  /** Creates the person with their password and joins them to the organisation; the link works once. */
  async accept(a: { token: string; name: string; password: string }): Promise<Session> {
    const hash = await this.deps.users.hashPassword(a.password);
    const member = await this.deps.db.transaction(async (tx) => {
      const invitations = new InvitationRepository(tx);
      const i = usable(await invitations.findByToken(sha256(a.token), true));
      const users = userRecords(tx);
      if (await users.findByEmail(i.email))
        throw new AppError(
          409,
          'email-taken',
          `an account with ${i.email} exists already: sign in with it (an account belongs to one organisation for now)`,
          'email',
        );
      const user = await users.createUser({ email: i.email, name: a.name, passwordHash: hash });
      await users.addMembership(i.orgId, user.id, i.role);
      await invitations.markAccepted(i.id, user.id);
      await auditLog(tx).record(i.orgId, {
        userId: user.id,
        action: 'accept',
        entity: 'invitation',
        entityId: i.id,
        detail: { role: i.role },
      });
      return { ...user, orgId: i.orgId, role: i.role };
    });
    return this.deps.auth.sessionFor(member, 'invitation');
  }
}

/** The invitation if its link can still be used; otherwise the error that says why not. */
function usable(i: InvitationRow | undefined): InvitationRow {
  if (!i)
    throw new AppError(404, 'invitation-not-found', 'this invitation link is not valid: check it was copied whole, or ask for a new one');
  switch (statusOf(i)) {
    case 'accepted':
      throw new AppError(409, 'invitation-used', 'this invitation was already used: sign in, or ask for a new invitation');
    case 'revoked':
      throw new AppError(410, 'invitation-revoked', 'this invitation was withdrawn: ask for a new one');
    case 'expired':
      throw new AppError(
        410,
        'invitation-expired',
        `this invitation expired on ${i.expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC: ask for a new one`,
      );
    default:
      return i;
  }
}

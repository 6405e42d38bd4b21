import { randomBytes } from 'node:crypto';
import type { Db } from '../db/types.js';
import type { Role } from '../plugins/principal.js';
import { conflict, forbidden, notFound } from '../errors.js';
import { auditLog } from '../audit/index.js';
import { venueRecords } from '../venues/index.js';
import type { PasswordHasher } from './passwords.js';
import { UserRepository, type Credentials, type Member } from './user.repository.js';
import { MEMBERSHIP_CHANNEL, MemberRoles } from './member-roles.js';

export interface OwnerSeed {
  email?: string | undefined;
  password?: string | undefined;
  name?: string | undefined;
  organisation: string;
}
export interface SeededOwner {
  orgId: string;
  userId: string;
  email: string;
  /** set only when the password was generated: shown once, never stored in clear or logged by the service */
  oneTimePassword?: string;
}

/** The people in an organisation, their roles and their passwords; the first owner on first start. */
export class UserService {
  /** the role each member holds now, which plugins/auth.ts checks on every request */
  readonly roles: MemberRoles;

  constructor(
    private readonly db: Db,
    private readonly hasher: PasswordHasher,
  ) {
    this.roles = new MemberRoles(db, async (orgId, userId) => (await this.getMember(orgId, userId))?.role);
  }

  /** Listens for role changes and removals made on other instances. */
  start(): Promise<void> {
    return this.roles.start();
  }

  stop(): Promise<void> {
    return this.roles.stop();
  }

  findCredentials(email: string): Promise<Credentials | undefined> {
    return new UserRepository(this.db).findCredentials(email);
  }

  /** Constant work whether or not the account exists (the hasher verifies against a dummy hash then). */
  verifyPassword(hash: string | undefined, password: string): Promise<boolean> {
    return this.hasher.verify(hash, password);
  }

  /** argon2id of a password, for a person another module creates in its own transaction (sign-up, invitations). */
  hashPassword(password: string): Promise<string> {
    return this.hasher.hash(password);
  }

  getMember(orgId: string, userId: string): Promise<Member | undefined> {
    return new UserRepository(this.db).getMember(orgId, userId);
  }

  /** Is this person still on a one-time password (plugins/auth.ts limits their token until it is changed)? */
  mustChangePassword(userId: string): Promise<boolean> {
    return new UserRepository(this.db).mustChangePassword(userId);
  }

  /** The person's own new password, and a row saying they changed it (never the password, nor its hash). */
  async setPassword(orgId: string, userId: string, password: string): Promise<void> {
    const hash = await this.hasher.hash(password);
    await this.db.transaction(async (tx) => {
      await new UserRepository(tx).setPassword(userId, hash);
      await auditLog(tx).record(orgId, { userId, action: 'change_password', entity: 'user', entityId: userId });
    });
  }

  listUsers(orgId: string) {
    return new UserRepository(this.db).listMembers(orgId);
  }

  async createUser(orgId: string, actor: string, u: { email: string; name: string; password: string; role: Role }): Promise<Member> {
    const hash = await this.hasher.hash(u.password);
    return this.db.transaction(async (tx) => {
      const users = new UserRepository(tx);
      if (await users.findCredentials(u.email)) throw conflict('a user with this e-mail exists', 'email');
      // the password the owner typed is for the first sign-in only: the person chooses their own then
      const user = await users.createUser({ email: u.email, name: u.name, passwordHash: hash, mustChangePassword: true });
      await users.addMembership(orgId, user.id, u.role);
      await auditLog(tx).record(orgId, { userId: actor, action: 'create', entity: 'user', entityId: user.id, detail: { role: u.role } });
      return { ...user, orgId, role: u.role };
    });
  }

  /** A new role for someone else; the organisation always keeps at least one owner. */
  async setRole(orgId: string, actor: string, userId: string, role: Role): Promise<Member> {
    if (userId === actor) throw forbidden('you cannot change your own role: ask another owner');
    const member = await this.db.transaction(async (tx) => {
      const users = new UserRepository(tx);
      const m = await users.getMember(orgId, userId);
      if (!m) throw notFound('user');
      if (m.role === 'owner' && role !== 'owner' && (await users.countOwners(orgId)) <= 1)
        throw conflict('the organisation needs at least one owner', 'role');
      await users.setRole(orgId, userId, role);
      await tx.notify(MEMBERSHIP_CHANNEL, `${orgId} ${userId}`);
      await auditLog(tx).record(orgId, {
        userId: actor,
        action: 'update',
        entity: 'user',
        entityId: userId,
        detail: { role, was: m.role },
      });
      return { ...m, role };
    });
    // here at once; other instances when the bus brings the notice
    this.roles.forget(orgId, userId);
    return member;
  }

  /** Takes someone out of the organisation and ends their sessions there. */
  async removeUser(orgId: string, actor: string, userId: string): Promise<void> {
    if (userId === actor) throw forbidden('you cannot remove yourself: ask another owner');
    await this.db.transaction(async (tx) => {
      const users = new UserRepository(tx);
      const m = await users.getMember(orgId, userId);
      if (!m) throw notFound('user');
      if (m.role === 'owner' && (await users.countOwners(orgId)) <= 1) throw conflict('the organisation needs at least one owner');
      await users.removeMembership(orgId, userId);
      await tx.notify(MEMBERSHIP_CHANNEL, `${orgId} ${userId}`);
      await auditLog(tx).record(orgId, { userId: actor, action: 'delete', entity: 'user', entityId: userId, detail: { role: m.role } });
    });
    this.roles.forget(orgId, userId);
  }

  /**
   * First start: with no users at all, create the organisation and its owner.
   * The owner's password comes from config/env, or is generated once (and the
   * owner must change it); there is never a fixed default. Later starts, and every
   * instance but one of several started together, do nothing.
   */
  async seedOwner(seed: OwnerSeed): Promise<SeededOwner | undefined> {
    if ((await new UserRepository(this.db).countUsers()) > 0) return undefined;
    const generated = seed.password ? undefined : randomBytes(12).toString('base64url');
    const password = seed.password ?? generated!;
    const email = (seed.email ?? 'owner@smartstock.local').toLowerCase();
    const hash = await this.hasher.hash(password);
    return this.db.transaction(async (tx) => {
      const users = new UserRepository(tx);
      // several instances starting together on an empty database: one seeds, the others find it done
      await users.lockFirstStart();
      if ((await users.countUsers()) > 0) return undefined;
      const org = await venueRecords(tx).createOrganisation(seed.organisation);
      const user = await users.createUser({ email, name: seed.name ?? 'Owner', passwordHash: hash, mustChangePassword: !!generated });
      await users.addMembership(org.id, user.id, 'owner');
      await auditLog(tx).record(org.id, { userId: null, action: 'seed', entity: 'user', entityId: user.id });
      return { orgId: org.id, userId: user.id, email, ...(generated ? { oneTimePassword: generated } : {}) };
    });
  }
}

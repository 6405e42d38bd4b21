import type { Db } from '../db/types.js';
import type { Logger } from '@smartstock/runtime';
import { auditLog } from '../audit/index.js';
import { venueRecords } from '../venues/index.js';
import { userRecords, type UserService } from '../users/index.js';
import type { AuthService, Session } from '../auth/index.js';
import { AppError, conflict, forbidden, notFound } from '../errors.js';
import type { Actor } from '../plugins/http.js';
import { OrgRepository, type OrganisationRow } from './org.repository.js';
import { repeatEvery, type Repeating } from '../jobs/index.js';
import { ORG_STATUS_CHANNEL, OrgStatus } from './org-status.js';
import type { InvitationService } from './invitation.service.js';
import type { ExportService } from './export.service.js';

export interface OrgServiceDeps {
  db: Db;
  users: UserService;
  auth: AuthService;
  logger: Logger;
  /** e-mails of the platform's operators (config orgs.operators): they list and suspend organisations */
  operators: readonly string[];
  signupOpen: boolean;
  deletionGraceDays: number;
  invitations: InvitationService;
  /** the organisation's files in object storage (blobs' deleteOrgBlobs), removed before its rows */
  deleteFiles?: (orgId: string) => Promise<number>;
  /** its finished exports are pruned with the deletions */
  exports?: ExportService;
  /**
   * After a suspension (true) or resume (false) commits: the broker side (the embedded broker drops
   * the organisation's devices; AWS IoT certificates are switched). A failure is logged: the
   * suspension stands, and ingest dead-letters what the devices still send.
   */
  onSuspension?: (orgId: string, suspended: boolean) => Promise<void>;
}

/** Organisations: sign-up, the operator's list and suspension, the owner's scheduled deletion. */
export class OrgService {
  readonly status: OrgStatus;
  private readonly operators: Set<string>;
  private housekeeping: Repeating | undefined;

  constructor(private readonly deps: OrgServiceDeps) {
    this.operators = new Set(deps.operators.map((email) => email.toLowerCase()));
    this.status = new OrgStatus(deps.db, async (orgId) => {
      const org = await new OrgRepository(deps.db).get(orgId);
      return org ? { suspended: !!org.suspendedAt, reason: org.suspendedReason } : 'gone';
    });
  }

  start(): Promise<void> {
    return this.status.start();
  }
  stop(): Promise<void> {
    return this.status.stop();
  }

  /** Deletes organisations whose grace period is over (and old exports), now and every intervalMs, on every instance (the delete is idempotent). */
  startHousekeeping(intervalMs = 15 * 60_000): void {
    this.housekeeping = repeatEvery(intervalMs, async () => [await this.deleteDue(), await this.deps.exports?.prune()], {
      log: this.deps.logger,
      failed: 'scheduled organisation deletions not run',
      atOnce: true,
    });
  }
  stopHousekeeping(): void {
    this.housekeeping?.stop();
  }

  /** A new organisation with its first owner, signed in. */
  async signup(s: {
    organisation: string;
    currency?: string | undefined;
    name: string;
    email: string;
    password: string;
  }): Promise<Session> {
    if (!this.deps.signupOpen)
      throw new AppError(403, 'signup-closed', 'sign-up is closed on this cloud: ask its operator to create your organisation');
    const hash = await this.deps.users.hashPassword(s.password);
    const member = await this.deps.db.transaction(async (tx) => {
      const users = userRecords(tx);
      if (await users.findByEmail(s.email)) throw conflict('an account with this e-mail exists: sign in instead', 'email');
      const org = await venueRecords(tx).createOrganisation(s.organisation, s.currency);
      const user = await users.createUser({ email: s.email, name: s.name, passwordHash: hash });
      await users.addMembership(org.id, user.id, 'owner');
      await auditLog(tx).record(org.id, { userId: user.id, action: 'signup', entity: 'organisation', entityId: org.id });
      return { ...user, orgId: org.id, role: 'owner' as const };
    });
    this.deps.logger.info({ orgId: member.orgId }, 'organisation signed up');
    return this.deps.auth.sessionFor(member, 'signup');
  }

  async get(orgId: string): Promise<OrganisationRow> {
    const org = await new OrgRepository(this.deps.db).get(orgId);
    if (!org) throw notFound('organisation');
    return org;
  }

  /** The owner's settings: the currency the organisation's money is in (a venue may set its own). */
  async update(a: Actor, u: { currency?: string | undefined }): Promise<OrganisationRow> {
    if (u.currency === undefined) return this.get(a.orgId);
    const currency = u.currency;
    return this.deps.db.transaction(async (tx) => {
      const before = await new OrgRepository(tx).get(a.orgId);
      const row = await new OrgRepository(tx).setCurrency(a.orgId, currency);
      if (!before || !row) throw notFound('organisation');
      if (before.currency !== currency)
        await auditLog(tx).record(a.orgId, {
          userId: a.userId,
          action: 'update',
          entity: 'organisation',
          entityId: a.orgId,
          detail: { currency: { from: before.currency, to: currency } },
        });
      return row;
    });
  }

  /** Operators are platform-wide, named by e-mail in config; being one is checked on each call, not carried in the token. */
  async requireOperator(a: Actor): Promise<void> {
    const me = await this.deps.users.getMember(a.orgId, a.userId);
    if (!me || !this.operators.has(me.email)) throw forbidden('only an operator of this cloud may do this');
  }

  async listAll(a: Actor) {
    await this.requireOperator(a);
    return new OrgRepository(this.deps.db).listAll();
  }

  /** The operator's way to add a bar group: the organisation, and an invitation for its owner to set a password by. */
  async create(a: Actor, input: { organisation: string; ownerEmail: string }) {
    await this.requireOperator(a);
    return this.deps.db.transaction(async (tx) => {
      if (await userRecords(tx).findByEmail(input.ownerEmail))
        throw conflict('an account with this e-mail exists (an account belongs to one organisation for now)', 'ownerEmail');
      const created = await venueRecords(tx).createOrganisation(input.organisation);
      const invitation = await this.deps.invitations.inviteIn(tx, created.id, null, { email: input.ownerEmail, role: 'owner' });
      const organisation = await new OrgRepository(tx).get(created.id);
      this.deps.logger.info({ orgId: created.id }, 'organisation created by an operator');
      return { organisation: organisation!, invitation };
    });
  }

  /** Suspends (reason given) or lets an organisation back in (null). */
  async setSuspended(a: Actor, orgId: string, reason: string | null): Promise<OrganisationRow> {
    await this.requireOperator(a);
    const org = await this.deps.db.transaction(async (tx) => {
      const row = await new OrgRepository(tx).setSuspended(orgId, reason);
      if (!row) throw notFound('organisation');
      await auditLog(tx).record(orgId, {
        userId: a.userId,
        action: reason === null ? 'resume' : 'suspend',
        entity: 'organisation',
        entityId: orgId,
        detail: reason === null ? null : { reason },
      });
      await tx.notify(ORG_STATUS_CHANNEL, orgId);
      return row;
    });
    this.status.forget(orgId);
    this.deps.logger.info({ orgId, suspended: reason !== null }, 'organisation suspension changed');
    await this.deps
      .onSuspension?.(orgId, reason !== null)
      .catch((err: unknown) =>
        this.deps.logger.error({ err, orgId }, 'the broker did not take the suspension change; its devices are dead-lettered meanwhile'),
      );
    return org;
  }

  /** The owner's deletion: everything goes once the grace period ends, unless cancelled before. */
  async scheduleDeletion(a: Actor, confirm: string): Promise<OrganisationRow> {
    const org = await this.get(a.orgId);
    if (confirm !== org.name)
      throw new AppError(400, 'confirmation-mismatch', 'type the organisation’s name exactly to confirm', 'confirm');
    if (org.deletionDueAt) throw conflict('a deletion is already scheduled');
    const due = new Date(Date.now() + this.deps.deletionGraceDays * 86_400_000);
    return this.changeDeletion(a, due);
  }

  async cancelDeletion(a: Actor): Promise<OrganisationRow> {
    const org = await this.get(a.orgId);
    if (!org.deletionDueAt) throw new AppError(409, 'no-deletion-scheduled', 'no deletion is scheduled');
    return this.changeDeletion(a, null);
  }

  private changeDeletion(a: Actor, due: Date | null): Promise<OrganisationRow> {
    return this.deps.db.transaction(async (tx) => {
      const row = await new OrgRepository(tx).setDeletionDue(a.orgId, due);
      if (!row) throw notFound('organisation');
      await auditLog(tx).record(a.orgId, {
        userId: a.userId,
        action: due ? 'schedule-deletion' : 'cancel-deletion',
        entity: 'organisation',
        entityId: a.orgId,
        detail: due ? { dueAt: due.toISOString() } : null,
      });
      return row;
    });
  }

  /** The repeat job: deletes every organisation whose grace period is over; resolves to how many went. */
  async deleteDue(): Promise<number> {
    let n = 0;
    for (const orgId of await new OrgRepository(this.deps.db).dueForDeletion()) {
      // files first: a failure leaves the rows, and the next run tries again (deleting files twice is harmless)
      const files = (await this.deps.deleteFiles?.(orgId)) ?? 0;
      const gone = await this.deps.db.transaction(async (tx) => {
        const deleted = await new OrgRepository(tx).deleteOrganisation(orgId);
        // every instance forgets it: its members' tokens are refused at once, not when they expire
        if (deleted) await tx.notify(ORG_STATUS_CHANNEL, orgId);
        return deleted;
      });
      if (gone) {
        this.status.forget(orgId);
        n++;
        this.deps.logger.info({ orgId, files }, 'organisation deleted after its grace period');
      }
    }
    return n;
  }
}

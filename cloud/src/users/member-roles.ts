import type { Db } from '../db/types.js';
import type { Role } from '../plugins/principal.js';

/** Every instance hears of a role change or a removal here (NOTIFY, or Redis pub/sub): payload `<orgId> <userId>`. */
export const MEMBERSHIP_CHANNEL = 'smartstock_membership';

/** A lost bus message (a missed reconnect) can keep a stale role this long at most. */
const MAX_AGE_MS = 60_000;
const MAX_ENTRIES = 10_000;

interface Entry {
  role: Role | null;
  at: number;
}

/**
 * The role each person holds in an organisation now, asked on every request rather than trusted
 * from the access token, so a demotion or removal takes effect on the next request.
 * A small per-process cache spares the query; the change forgets the entry here and, through the bus, everywhere.
 */
export class MemberRoles {
  private readonly entries = new Map<string, Entry>();
  /** bumped by each forget, so a read that raced a change never stores the role from before it */
  private generation = 0;
  private unlisten: (() => Promise<void>) | undefined;

  constructor(
    private readonly db: Db,
    private readonly load: (orgId: string, userId: string) => Promise<Role | undefined>,
  ) {}

  async start(): Promise<void> {
    this.unlisten = await this.db.listen(
      MEMBERSHIP_CHANNEL,
      (payload) => {
        const [orgId, userId] = payload.split(' ');
        if (orgId && userId) this.forget(orgId, userId);
      },
      // the bus may have dropped changes while it was away
      () => this.forgetAll(),
    );
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = undefined;
  }

  /** The role now; undefined once the person is no longer a member (or disabled). */
  async roleOf(orgId: string, userId: string): Promise<Role | undefined> {
    const key = `${orgId} ${userId}`;
    const hit = this.entries.get(key);
    if (hit && Date.now() - hit.at < MAX_AGE_MS) return hit.role ?? undefined;
    const generation = this.generation;
    const role = await this.load(orgId, userId);
    if (generation === this.generation) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
      this.entries.set(key, { role: role ?? null, at: Date.now() });
    }
    return role;
  }

  forget(orgId: string, userId: string): void {
    this.generation++;
    this.entries.delete(`${orgId} ${userId}`);
  }

  private forgetAll(): void {
    this.generation++;
    this.entries.clear();
  }
}

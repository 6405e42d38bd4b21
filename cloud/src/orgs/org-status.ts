import type { Db } from '../db/types.js';
import { AppError, unauthorized } from '../errors.js';

/** 'gone': deleted */
export type State = { suspended: boolean; reason: string | null } | 'gone';

/** Every instance hears of a suspension or its end here: payload `<orgId>`. */
export const ORG_STATUS_CHANNEL = 'smartstock_org_status';
/** a lost bus message keeps a stale state this long at most */
const MAX_AGE_MS = 30_000;
const MAX_ENTRIES = 10_000;

/** The error a suspended organisation's members, sessions and devices get. */
export const suspendedError = (reason: string | null) =>
  new AppError(
    403,
    'organisation-suspended',
    `this organisation is suspended by the SmartStock operator${reason ? ` (${reason})` : ''}; contact support`,
  );

/**
 * Whether an organisation is suspended, asked on every request: a small per-process cache
 * spares the query; a suspension forgets the entry here and, through the bus, everywhere.
 */
export class OrgStatus {
  private readonly entries = new Map<string, { state: State; at: number }>();
  private generation = 0;
  private unlisten: (() => Promise<void>) | undefined;

  constructor(
    private readonly db: Db,
    /** the organisation as stored, or 'gone' once deleted */
    private readonly load: (orgId: string) => Promise<State>,
  ) {}

  async start(): Promise<void> {
    this.unlisten = await this.db.listen(
      ORG_STATUS_CHANNEL,
      (orgId) => this.forget(orgId),
      () => this.forgetAll(),
    );
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = undefined;
  }

  /** The refusal for a suspended (or deleted) organisation, else undefined. */
  async refusal(orgId: string): Promise<AppError | undefined> {
    let hit = this.entries.get(orgId);
    if (!hit || Date.now() - hit.at >= MAX_AGE_MS) {
      const generation = this.generation;
      hit = { state: await this.load(orgId), at: Date.now() };
      if (generation === this.generation) {
        if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
        this.entries.set(orgId, hit);
      }
    }
    const state = hit.state;
    if (state === 'gone') return unauthorized('this organisation was deleted');
    return state.suspended ? suspendedError(state.reason) : undefined;
  }

  forget(orgId: string): void {
    this.generation++;
    this.entries.delete(orgId);
  }

  private forgetAll(): void {
    this.generation++;
    this.entries.clear();
  }
}

import { loadPeopleFinder, type PeopleFinder, type PersonBox } from '@smartstock/models';
import type { Logger } from '@smartstock/runtime';
import type { AgentConfig } from '../config/schema.js';

/**
 * Finds the people in a frame before a snapshot is sent. Fails closed: when the people model
 * cannot be loaded or run, the snapshot is withheld with that reason rather than sent unblurred.
 * The model loads on the first snapshot, so an agent that is never asked for one never pays for it.
 */
export class PrivacyPass {
  private finder: Promise<PeopleFinder> | null;
  /** A finder handed in (shared by the demo's agents) is its owner's to close. */
  private readonly owned: boolean;

  constructor(
    private readonly settings: AgentConfig['privacy'],
    private readonly log: Logger,
    finder?: PeopleFinder,
  ) {
    this.finder = finder ? Promise.resolve(finder) : null;
    this.owned = !finder;
  }

  async peopleIn(jpeg: Buffer): Promise<PersonBox[]> {
    if (!this.settings.blurPeople) return [];
    this.finder ??= loadPeopleFinder({
      ...(this.settings.peopleModel ? { metaFile: this.settings.peopleModel } : {}),
      ...(this.settings.peopleScoreThreshold !== undefined ? { scoreThreshold: this.settings.peopleScoreThreshold } : {}),
    });
    try {
      return await (await this.finder).find(jpeg);
    } catch (err) {
      this.log.error({ err }, 'people detector failed: snapshot withheld');
      throw new Error(`snapshot withheld: people could not be blurred (${(err as Error).message})`);
    }
  }

  async close(): Promise<void> {
    if (!this.owned) return;
    const finder = await this.finder?.catch(() => null);
    await finder?.close();
  }
}

import type { Logger } from '@smartstock/runtime';
import type { Db } from '../db/types.js';
import { blobKey, type BlobStore } from '../blobs/index.js';
import { repeatEvery, type Repeating } from '../jobs/index.js';
import { CorrectionRepository } from './correction.repository.js';

const BATCH = 50;

/**
 * Moves crops still held in slot_corrections (from before object storage, or written while the
 * store was down) into the store, a batch at a time. A row stays readable from its bytes until the
 * update that names its key commits; the key is the correction's id, so two instances moving the
 * same crop write the same blob.
 */
export class CropMover {
  private timer: Repeating | undefined;

  constructor(
    private readonly db: Db,
    private readonly blobs: BlobStore,
    private readonly log: Logger,
  ) {}

  /** Moves until none is left or the store fails (the rest wait for the next round); answers how many moved. */
  async moveAll(): Promise<number> {
    const repo = new CorrectionRepository(this.db);
    let moved = 0;
    for (;;) {
      const batch = await repo.unmovedCrops(BATCH);
      for (const c of batch) {
        const key = blobKey(c.orgId, 'crop', [], 'jpg', c.id);
        await this.blobs.put(key, c.jpeg, 'image/jpeg');
        if (await repo.cropMoved(c.orgId, c.id, key, c.jpeg.length)) moved++;
        else if ((await repo.crop(c.orgId, c.id)) === undefined) await this.blobs.delete(key); // deleted meanwhile
      }
      if (batch.length < BATCH) break;
    }
    if (moved) this.log.info({ moved }, 'correction crops moved to object storage');
    return moved;
  }

  start(intervalMs = 10 * 60_000): void {
    this.timer = repeatEvery(intervalMs, () => this.moveAll(), {
      log: this.log,
      failed: 'correction crops not moved to object storage this round; they stay readable in the database',
      atOnce: true,
    });
  }

  stop(): void {
    this.timer?.stop();
  }
}

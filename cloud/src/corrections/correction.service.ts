import { randomUUID } from 'node:crypto';
import type { Logger } from '@smartstock/runtime';
import type { Db } from '../db/types.js';
import { AppError, badRequest, notFound } from '../errors.js';
import { auditLog } from '../audit/index.js';
import type { DeviceService } from '../devices/index.js';
import type { InventoryService, PresentedStock } from '../inventory/index.js';
import type { Actor } from '../plugins/http.js';
import { blobKey, readBlob, type BlobStore } from '../blobs/index.js';
import { cropSlot } from './crop.js';
import {
  CorrectionRepository,
  type CorrectableSlot,
  type CorrectionFilter,
  type CorrectionWithCrop,
  type StoredCrop,
  type ModelAnswer,
  type NewCorrection,
} from './correction.repository.js';

export interface CorrectionInput {
  trueCount: number;
  /** per bottle, left to right; its length must be trueCount */
  trueFills?: number[] | undefined;
  note?: string | undefined;
  /** the observation being corrected; the slot's latest when left out */
  observationId?: string | undefined;
}
export interface SlotRef {
  deviceId: string;
  cameraId: string;
  slotId: string;
}

const encodeCursor = (c: { createdAt: Date; id: string }) =>
  Buffer.from(JSON.stringify([new Date(c.createdAt).toISOString(), c.id])).toString('base64url');
function decodeCursor(s: string): { at: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(at);
    if (Number.isNaN(date.getTime()) || !/^[0-9a-f-]{36}$/.test(id)) throw new Error('shape');
    return { at: date, id };
  } catch {
    throw badRequest('cursor is not one this API issued', 'cursor');
  }
}

/** Bottle units a true count stands for: the given fills, else the model's mean fill per bottle (1 when it saw none). */
export function trueUnits(trueCount: number, trueFills: number[] | null, model: ModelAnswer | null | undefined): number {
  if (trueFills) return trueFills.reduce((a, b) => a + b, 0);
  const seen = (model?.fills ?? []).filter((f): f is number => typeof f === 'number');
  const mean = seen.length ? seen.reduce((a, b) => a + b, 0) / seen.length : 1;
  return trueCount * mean;
}

/**
 * "This count is wrong": stores the person's true count beside the model's answer
 * and a crop of the slot from a fresh frame, then moves stock so the level shows
 * the true count until the camera's next reading replaces it.
 */
export class CorrectionService {
  private readonly corrected: ((orgId: string, venueId: string) => Promise<unknown>)[] = [];

  constructor(
    private readonly db: Db,
    private readonly devices: Pick<DeviceService, 'snapshot'>,
    private readonly inventory: Pick<InventoryService, 'adjust'>,
    private readonly log: Logger,
    private readonly snapshotTimeoutMs: number,
    /** where crops are kept */
    private readonly blobs: BlobStore,
  ) {}

  /** Called after each correction commits (vision's drift watch); its failure is logged and never fails the correction. */
  onCorrected(fn: (orgId: string, venueId: string) => Promise<unknown>): void {
    this.corrected.push(fn);
  }

  async correct(a: Actor, ref: SlotRef, input: CorrectionInput) {
    const repo = new CorrectionRepository(this.db);
    const slot = await repo.slot(a.orgId, ref.deviceId, ref.cameraId, ref.slotId);
    if (!slot) throw notFound('slot');
    const trueFills = input.trueFills ?? null;
    if (trueFills && trueFills.length !== input.trueCount)
      throw badRequest(`trueFills has ${trueFills.length} values for a true count of ${input.trueCount}`, 'trueFills');
    const model = (await repo.latestAnswer(a.orgId, slot, input.observationId)) ?? null;
    if (input.observationId && !model) throw new AppError(404, 'not_found', 'observation not found on this slot', 'observationId');
    const latest = input.observationId ? await repo.latestAnswer(a.orgId, slot) : model;

    const id = randomUUID();
    const frame = await this.frame(a.orgId, slot);
    const key = frame.crop ? await this.keep(a.orgId, id, frame.crop.jpeg) : null;
    const correction = await this.db
      .transaction(async (tx) => {
        const c = await new CorrectionRepository(tx).insert(a.orgId, id, {
          slot,
          model,
          trueCount: input.trueCount,
          trueFills,
          note: input.note?.trim() || null,
          userId: a.userId,
          crop: frame.crop ? { ...frame.crop, key } : null,
          cropMissing: frame.missing ?? null,
        });
        await auditLog(tx).record(a.orgId, {
          userId: a.userId,
          action: 'correct',
          entity: 'slot',
          entityId: `${slot.deviceId}/${slot.cameraId}/${slot.slotId}`,
          detail: { correctionId: c.id, modelCount: model?.count ?? null, trueCount: c.trueCount },
        });
        return c;
      })
      .catch(async (e: unknown) => {
        // the row did not commit: its crop must not stay behind unnamed
        if (key) await this.blobs.delete(key).catch(() => undefined);
        throw e;
      });

    // Stock follows the slot's newest reading: correcting an older one is training data only.
    let stock: PresentedStock | null = null;
    const isNewest = !model || latest?.observationId === model.observationId;
    if (slot.itemId && isNewest) {
      const counted = await repo.unitsNow(a.orgId, slot);
      const delta = Math.round((trueUnits(input.trueCount, trueFills, model) - counted) * 1000) / 1000;
      if (delta !== 0) {
        const adjustment = await this.inventory.adjust(a, slot.itemId, {
          locationId: slot.locationId,
          type: 'ADJUSTMENT',
          quantity: delta,
          reason: `camera count corrected on slot ${slot.slotId}: ${model?.count ?? 'none'} → ${input.trueCount}`,
          sourceType: 'correction',
          sourceId: correction.id,
        });
        await repo.setTransaction(a.orgId, correction.id, adjustment.transaction.id);
        correction.transactionId = adjustment.transaction.id;
        stock = adjustment.stock;
      }
    }
    for (const fn of this.corrected)
      await fn(a.orgId, slot.venueId).catch((err: unknown) => this.log.warn({ err }, 'after-correction hook failed'));
    return { correction, crop: correction.crop, cropMissing: correction.cropMissing, stock };
  }

  /**
   * The crop into object storage under the correction's id; null when the store is down, and the
   * bytes then wait in the row until the mover takes them (the correction is never refused for it).
   */
  private async keep(orgId: string, id: string, jpeg: Buffer): Promise<string | null> {
    const key = blobKey(orgId, 'crop', [], 'jpg', id);
    try {
      await this.blobs.put(key, jpeg, 'image/jpeg');
      return key;
    } catch (err) {
      this.log.warn({ err, correctionId: id }, 'crop kept in the database for now: object storage is unavailable');
      return null;
    }
  }

  /** The freshest frame is the one the device takes now; a correction is never refused for want of it. */
  private async frame(
    orgId: string,
    slot: CorrectableSlot,
  ): Promise<{ crop?: Omit<NonNullable<NewCorrection['crop']>, 'key'>; missing?: string }> {
    if (!slot.deviceOnline) return { missing: 'the device is offline' };
    try {
      const jpeg = await this.devices.snapshot(orgId, slot.deviceId, slot.cameraId, this.snapshotTimeoutMs, { overlay: false });
      const frameAt = new Date();
      return { crop: { ...(await cropSlot(jpeg, slot.polygon)), frameAt } };
    } catch (e) {
      const missing = e instanceof AppError ? e.message : `the frame could not be cropped: ${(e as Error).message}`;
      this.log.warn({ deviceId: slot.deviceId, cameraId: slot.cameraId, reason: missing }, 'correction stored without a crop');
      return { missing };
    }
  }

  async list(orgId: string, f: Omit<CorrectionFilter, 'before'> & { cursor?: string | undefined }) {
    const rows = await new CorrectionRepository(this.db).list(orgId, {
      ...f,
      before: f.cursor ? decodeCursor(f.cursor) : undefined,
      limit: f.limit + 1,
    });
    const page = rows.slice(0, f.limit);
    return { corrections: page, nextCursor: rows.length > f.limit ? encodeCursor(page[page.length - 1]!) : null };
  }

  async crop(orgId: string, id: string): Promise<Buffer> {
    const stored = await new CorrectionRepository(this.db).crop(orgId, id);
    if (stored === undefined) throw notFound('correction');
    if (stored === null) throw new AppError(404, 'no_crop', 'this correction has no crop: no frame could be had when it was made');
    const jpeg = await this.bytes(stored);
    if (!jpeg) throw new AppError(404, 'no_crop', 'this correction’s crop is no longer in object storage');
    return jpeg;
  }

  private async bytes(s: StoredCrop): Promise<Buffer | undefined> {
    return 'jpeg' in s ? s.jpeg : readBlob(this.blobs, s.key);
  }

  /** Every matching correction, newest first, a page at a time: the export streams without holding the set in memory. */
  async *export(orgId: string, f: Omit<CorrectionFilter, 'before' | 'limit'>) {
    const repo = new CorrectionRepository(this.db);
    let before: CorrectionFilter['before'];
    for (;;) {
      const page = await repo.exportPage(orgId, { ...f, before, limit: 100 });
      for (const { stored, ...c } of page) {
        const cropJpeg = stored ? ((await this.bytes(stored)) ?? null) : null;
        const gone = stored && !cropJpeg ? 'the crop is no longer in object storage' : null;
        yield { ...c, cropJpeg, cropMissing: c.cropMissing ?? gone } satisfies CorrectionWithCrop;
      }
      if (page.length < 100) return;
      const last = page[page.length - 1]!;
      before = { at: last.createdAt, id: last.id };
    }
  }
}

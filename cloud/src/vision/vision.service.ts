import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { assignToSlots, slotsHiddenByPeople, unitsOf, type BottleDetection } from '@smartstock/models';
import type { Logger } from '@smartstock/runtime';
import type { Db } from '../db/types.js';
import { AppError, notFound } from '../errors.js';
import type { JobContext, JobQueue, JobStatus } from '../jobs/index.js';
import { deviceRecords } from '../devices/index.js';
import { blobKey, readBlob, withBlob, type BlobStore } from '../blobs/index.js';
import type { Actor } from '../plugins/http.js';
import { VisionJobRepository, type JobSlot } from './job.repository.js';
import type { VisionResult, VisionRunner } from './runner.js';

export type ShelfSource = { slots: JobSlot[] } | { deviceId: string; cameraId: string };

/** The job queue's name for counting a shelf photo. */
export const ANALYZE_SHELF = 'vision_analyze_shelf';
const shelfJob = z.object({
  slots: z
    .array(
      z.object({
        id: z.string().min(1),
        itemId: z.uuid().nullable(),
        name: z.string().nullable(),
        polygon: z.array(z.tuple([z.number(), z.number()])).min(3),
      }),
    )
    .min(1),
});

/** processing-status speaks the seed's four states: a run waiting for its retry is still queued. */
export interface ShelfJobStatus {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  result: unknown;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}
const SHELF_STATUS: Record<JobStatus, ShelfJobStatus['status']> = {
  queued: 'queued',
  retrying: 'queued',
  running: 'running',
  done: 'done',
  failed: 'failed',
  cancelled: 'failed',
};

const round = (v: number) => Math.round(v * 1000) / 1000;
const bottle = (b: BottleDetection) => ({
  box: { x: Math.round(b.box.x), y: Math.round(b.box.y), w: Math.round(b.box.w), h: Math.round(b.box.h) },
  score: round(b.score),
  fill: b.fill === null ? null : round(b.fill),
  fillSigma: round(b.fillSigma),
  lying: b.lying === true,
});

/** A JPEG or PNG by its first bytes: anything else is refused before it costs a worker's time or a blob. */
export function assertPhoto(image: Buffer): 'jpg' | 'png' {
  if (image[0] === 0xff && image[1] === 0xd8) return 'jpg';
  if (image.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]))) return 'png';
  throw new AppError(400, 'invalid_image', `expected a JPEG or PNG photo, got ${image.length} bytes of something else`, 'image');
}

/** The photo endpoints: one photo answered at once, or a shelf photo counted per slot as a job on the job queue. */
export class VisionService {
  private readonly photos: VisionJobRepository;

  constructor(
    private readonly db: Db,
    private readonly runner: VisionRunner,
    private readonly log: Logger,
    private readonly jobs: JobQueue,
    /** where a shelf photo waits for its job */
    private readonly blobs: BlobStore,
    private readonly jobTimeoutSeconds = 300,
  ) {
    this.photos = new VisionJobRepository(db);
  }

  /** Runs shelf-photo jobs on this instance, whichever instance they were sent to. */
  async registerJobs(): Promise<void> {
    await this.jobs.register(ANALYZE_SHELF, {
      payload: shelfJob,
      run: (p, ctx) => this.countShelf(p.slots, ctx),
      retries: 2,
      retryDelaySeconds: 2,
      timeoutSeconds: this.jobTimeoutSeconds,
    });
  }

  async detect(image: Buffer) {
    assertPhoto(image);
    const result = await this.runner.analyze(image);
    return {
      width: result.analysis.width,
      height: result.analysis.height,
      modelVersions: result.versions,
      bottles: result.analysis.bottles.map(bottle),
    };
  }

  async analyzeShelf(a: Actor, image: Buffer, source: ShelfSource): Promise<{ id: string; status: 'queued' }> {
    const ext = assertPhoto(image);
    const slots = 'slots' in source ? source.slots : await this.savedSlots(a.orgId, source.deviceId, source.cameraId);
    if (!slots.length) throw new AppError(400, 'no_slots', 'the camera has no slots to count: draw them first', 'slots');
    const id = randomUUID();
    const key = blobKey(a.orgId, 'photo', [], ext, id);
    // the photo is stored first (a store that is down: 503, nothing written); then its row and its
    // job commit together, or the photo is deleted again: no job without its photo, no photo without a job
    await withBlob(this.blobs, key, image, ext === 'jpg' ? 'image/jpeg' : 'image/png', () =>
      this.db.transaction(async (tx) => {
        await new VisionJobRepository(tx).create(a.orgId, a.userId, slots, key, id);
        await this.jobs.enqueue(ANALYZE_SHELF, { slots }, { orgId: a.orgId, tx, id });
      }),
    );
    return { id, status: 'queued' };
  }

  async status(orgId: string, id: string): Promise<ShelfJobStatus> {
    const job = (await this.photos.get(orgId, id)) && (await this.jobs.get(orgId, id));
    if (!job) throw notFound('job');
    return {
      id,
      status: SHELF_STATUS[job.status],
      result: job.result,
      error: job.error,
      createdAt: job.createdAt,
      finishedAt: job.finishedAt,
    };
  }

  private async savedSlots(orgId: string, deviceId: string, cameraId: string): Promise<JobSlot[]> {
    if (!(await deviceRecords(this.db).get(orgId, deviceId))) throw notFound('device');
    const camera = (await deviceRecords(this.db).cameras(orgId, deviceId)).find((c) => c.id === cameraId);
    if (!camera) throw notFound('camera');
    return camera.slots.map((slot) => ({
      id: slot.id,
      itemId: slot.itemId,
      name: slot.name ?? null,
      polygon: slot.polygon as [number, number][],
    }));
  }

  private async countShelf(slots: JobSlot[], ctx: JobContext) {
    const stored = await this.photos.photo(ctx.orgId, ctx.jobId);
    const image = stored && ('key' in stored ? await readBlob(this.blobs, stored.key) : stored.bytes);
    if (!image) throw new Error('the photo of this job is gone; send it again');
    try {
      const result = shelfResult(await this.runner.analyze(image), slots);
      await this.dropPhoto(ctx.orgId, ctx.jobId);
      return result;
    } catch (e) {
      if (ctx.lastAttempt) await this.dropPhoto(ctx.orgId, ctx.jobId);
      throw e;
    }
  }

  /** The row lets go of the photo first: a blob whose delete fails is unnamed, and photo retention takes it. */
  private async dropPhoto(orgId: string, id: string): Promise<void> {
    const key = await this.photos.dropPhoto(orgId, id);
    if (key) await this.blobs.delete(key).catch((err: unknown) => this.log.warn({ err, key }, 'shelf photo not deleted; retention will'));
  }
}

/** Per slot: bottles, their fills and the units they make, counted exactly as the edge agent counts. */
export function shelfResult(result: VisionResult, slots: JobSlot[]) {
  const bySlot = assignToSlots(result.analysis, slots);
  const hidden = slotsHiddenByPeople(result.analysis, slots);
  let inSlots = 0;
  return {
    width: result.analysis.width,
    height: result.analysis.height,
    modelVersions: result.versions,
    slots: slots.map((slot) => {
      const bottles = bySlot.get(slot.id) ?? [];
      inSlots += bottles.length;
      const fills = bottles.map((b) => (b.fill === null ? null : round(b.fill)));
      return {
        slotId: slot.id,
        itemId: slot.itemId,
        name: slot.name,
        count: bottles.length,
        fills,
        units: round(unitsOf(fills)),
        confidence: bottles.length ? round(bottles.reduce((t, b) => t + b.score, 0) / bottles.length) : null,
        hiddenByPerson: hidden.has(slot.id),
      };
    }),
    bottlesOutsideSlots: result.analysis.bottles.length - inSlots,
    bottles: result.analysis.bottles.map(bottle),
  };
}

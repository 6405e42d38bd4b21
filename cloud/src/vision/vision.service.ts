import { assignToSlots, unitsOf, type BottleDetection } from '@smartstock/models';
import type { Logger } from '@smartstock/runtime';
import type { Db } from '../db/types.js';
import { AppError, notFound } from '../errors.js';
import { deviceRecords } from '../devices/index.js';
import type { Actor } from '../plugins/http.js';
import { VisionJobRepository, type JobSlot, type VisionJob } from './job.repository.js';
import type { VisionResult, VisionRunner } from './runner.js';

export type ShelfSource = { slots: JobSlot[] } | { deviceId: string; cameraId: string };

const round = (v: number) => Math.round(v * 1000) / 1000;
const bottle = (b: BottleDetection) => ({
  box: { x: Math.round(b.box.x), y: Math.round(b.box.y), w: Math.round(b.box.w), h: Math.round(b.box.h) },
  score: round(b.score),
  fill: b.fill === null ? null : round(b.fill),
  fillSigma: round(b.fillSigma),
});

/** A JPEG or PNG by its first bytes: anything else is refused before it costs a worker's time. */
export function assertPhoto(image: Buffer): void {
  const jpeg = image[0] === 0xff && image[1] === 0xd8;
  const png = image.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  if (!jpeg && !png)
    throw new AppError(400, 'invalid_image', `expected a JPEG or PNG photo, got ${image.length} bytes of something else`, 'image');
}

/** The photo endpoints: one photo answered at once, or a shelf photo counted per slot as a job. */
export class VisionService {
  private readonly jobs: VisionJobRepository;

  constructor(
    private readonly db: Db,
    private readonly runner: VisionRunner,
    private readonly log: Logger,
  ) {
    this.jobs = new VisionJobRepository(db);
  }

  async detect(image: Buffer) {
    assertPhoto(image);
    const r = await this.runner.analyze(image);
    return { width: r.analysis.width, height: r.analysis.height, modelVersions: r.versions, bottles: r.analysis.bottles.map(bottle) };
  }

  async analyzeShelf(a: Actor, image: Buffer, source: ShelfSource): Promise<VisionJob> {
    assertPhoto(image);
    const slots = 'slots' in source ? source.slots : await this.savedSlots(a.orgId, source.deviceId, source.cameraId);
    if (!slots.length) throw new AppError(400, 'no_slots', 'the camera has no slots to count: draw them first', 'slots');
    this.runner.assertRoom();
    const job = await this.jobs.create(a.orgId, a.userId, slots);
    void this.run(job.id, image, slots);
    return job;
  }

  async status(orgId: string, id: string): Promise<VisionJob> {
    const job = await this.jobs.get(orgId, id);
    if (!job) throw notFound('job');
    return job;
  }

  private async savedSlots(orgId: string, deviceId: string, cameraId: string): Promise<JobSlot[]> {
    if (!(await deviceRecords(this.db).get(orgId, deviceId))) throw notFound('device');
    const camera = (await deviceRecords(this.db).cameras(orgId, deviceId)).find((c) => c.id === cameraId);
    if (!camera) throw notFound('camera');
    return camera.slots.map((s) => ({ id: s.id, itemId: s.itemId, name: s.name ?? null, polygon: s.polygon as [number, number][] }));
  }

  private async run(id: string, image: Buffer, slots: JobSlot[]): Promise<void> {
    try {
      await this.jobs.running(id);
      await this.jobs.finish(id, { result: shelfResult(await this.runner.analyze(image), slots) });
    } catch (e) {
      await this.jobs
        .finish(id, { error: (e as Error).message })
        .catch((err: unknown) => this.log.error({ err, jobId: id }, 'vision job lost'));
    }
  }
}

/** Per slot: bottles, their fills and the units they make, counted exactly as the edge agent counts. */
export function shelfResult(r: VisionResult, slots: JobSlot[]) {
  const bySlot = assignToSlots(r.analysis, slots);
  let inSlots = 0;
  return {
    width: r.analysis.width,
    height: r.analysis.height,
    modelVersions: r.versions,
    slots: slots.map((s) => {
      const bottles = bySlot.get(s.id) ?? [];
      inSlots += bottles.length;
      const fills = bottles.map((b) => (b.fill === null ? null : round(b.fill)));
      return {
        slotId: s.id,
        itemId: s.itemId,
        name: s.name,
        count: bottles.length,
        fills,
        units: round(unitsOf(fills)),
        confidence: bottles.length ? round(bottles.reduce((t, b) => t + b.score, 0) / bottles.length) : null,
      };
    }),
    bottlesOutsideSlots: r.analysis.bottles.length - inSlots,
    bottles: r.analysis.bottles.map(bottle),
  };
}

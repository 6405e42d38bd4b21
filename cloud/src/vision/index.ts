import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/types.js';
import { VisionJobRepository } from './job.repository.js';
import { visionRoutes } from './routes.js';
import type { VisionService } from './vision.service.js';

export { VisionService } from './vision.service.js';
export { VisionRunner } from './runner.js';

/** /vision: detection on an uploaded photo, shelf analysis jobs and their status. */
export async function visionModule(app: FastifyInstance, o: { vision: VisionService }): Promise<void> {
  await app.register(visionRoutes, o);
}

/** At start-up: jobs left behind by an instance that died mid-photo fail, with the reason. */
export const failAbandonedVisionJobs = (db: Db, olderThanSeconds: number) => new VisionJobRepository(db).failAbandoned(olderThanSeconds);

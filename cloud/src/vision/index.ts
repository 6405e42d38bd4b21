import type { FastifyInstance } from 'fastify';
import { visionRoutes } from './routes.js';
import type { VisionService } from './vision.service.js';

export { VisionService } from './vision.service.js';
export { VisionRunner } from './runner.js';

/** /vision: detection on an uploaded photo, shelf analysis jobs and their status. */
export async function visionModule(app: FastifyInstance, o: { vision: VisionService }): Promise<void> {
  await app.register(visionRoutes, o);
}

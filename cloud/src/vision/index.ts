import type { FastifyInstance } from 'fastify';
import { accuracyRoutes } from './accuracy.routes.js';
import type { AccuracyService } from './accuracy.service.js';
import { visionRoutes } from './routes.js';
import type { VisionService } from './vision.service.js';

export { VisionService } from './vision.service.js';
export { VisionRunner } from './runner.js';
export { AccuracyService } from './accuracy.service.js';

/** /vision: detection on an uploaded photo, shelf analysis jobs and their status, the model's accuracy at each venue. */
export async function visionModule(
  app: FastifyInstance,
  o: { vision: VisionService; accuracy?: AccuracyService | undefined },
): Promise<void> {
  await app.register(visionRoutes, o);
  if (o.accuracy) await app.register(accuracyRoutes, { accuracy: o.accuracy });
}

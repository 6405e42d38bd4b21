import type { FastifyInstance } from 'fastify';
import type { CorrectionService } from './correction.service.js';
import { correctionRoutes } from './routes.js';

export { CorrectionService } from './correction.service.js';
export { CropMover } from './crop-mover.js';

/** /corrections: "this count is wrong", and the labelled set it builds. */
export async function correctionsModule(app: FastifyInstance, options: { corrections: CorrectionService }): Promise<void> {
  await app.register(correctionRoutes, options);
}

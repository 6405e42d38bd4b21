import type { FastifyInstance } from 'fastify';
import type { VarianceService } from './variance.service.js';
import { varianceRoutes } from './routes.js';

export { VarianceService, DAILY_JOB as VARIANCE_DAILY_JOB, type KpiReport, type VarianceReport } from './variance.service.js';

/** /reports: variance and KPIs. */
export async function varianceModule(app: FastifyInstance, options: { variance: VarianceService }): Promise<void> {
  await app.register(varianceRoutes, options);
}

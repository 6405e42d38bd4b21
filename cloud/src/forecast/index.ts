import type { FastifyInstance } from 'fastify';
import type { ForecastService } from './forecast.service.js';
import { forecastRoutes } from './routes.js';

export { ForecastService, FORECAST_VENUE_JOB, HORIZON_DAYS, type ForecastServiceDeps } from './forecast.service.js';
export { ForecastRunner } from './runner.js';

/** /forecast: demand per item and location, days of stock left, refits through the job queue. */
export async function forecastModule(app: FastifyInstance, o: { forecast: ForecastService }): Promise<void> {
  await app.register(forecastRoutes, o);
}

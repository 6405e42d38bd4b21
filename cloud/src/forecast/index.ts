import type { FastifyInstance } from 'fastify';
import type { CalendarService } from './calendar.service.js';
import type { ForecastService } from './forecast.service.js';
import { forecastRoutes } from './routes.js';

export { ForecastService, FORECAST_VENUE_JOB, HORIZON_DAYS, type ForecastServiceDeps } from './forecast.service.js';
export { ForecastRunner } from './runner.js';
export { CalendarService } from './calendar.service.js';
export { OpenMeteo } from './open-meteo.js';

/** /forecast: demand per item and location, days of stock left, refits through the job queue, the venue's weather and events. */
export async function forecastModule(
  app: FastifyInstance,
  o: { forecast: ForecastService; calendar?: CalendarService | undefined },
): Promise<void> {
  await app.register(forecastRoutes, o);
}

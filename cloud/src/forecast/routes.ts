import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { forecastRetrain, forecastView, stockDaysView } from '@smartstock/api';
import { actor } from '../plugins/http.js';
import type { ForecastService } from './forecast.service.js';

const itemAtLocation = z.object({ item_id: z.uuid(), location_id: z.uuid() });
const venueQuery = z.object({ venue_id: z.uuid() });

/** /api/v1/forecast: demand forecasts, days of stock left, refits. */
export async function forecastRoutes(app: FastifyInstance, o: { forecast: ForecastService }): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/forecast',
    {
      onRequest: app.authorize(),
      schema: {
        tags: ['forecast'],
        summary: "An item's daily demand at a location: mean, 80 and 95 % bounds, the model and its backtest accuracy",
        querystring: itemAtLocation,
        response: { 200: forecastView },
      },
    },
    async (req) => {
      const f = await o.forecast.forecast(actor(req).orgId, req.query.item_id, req.query.location_id);
      const accuracy = f.backtest.find((b) => b.model === f.model) ?? null;
      return {
        itemId: f.itemId,
        locationId: f.locationId,
        model: f.model,
        days: f.points,
        accuracy,
        candidates: f.backtest,
        reasons: f.reasons,
        history: f.sources,
        through: f.through,
        fittedAt: new Date(f.fittedAt),
      };
    },
  );
  r.get(
    '/forecast/stock-days',
    {
      onRequest: app.authorize(),
      schema: {
        tags: ['forecast'],
        summary: 'Days of stock left per item and location of a venue, from the level now and the forecast demand',
        querystring: venueQuery,
        response: { 200: stockDaysView },
      },
    },
    async (req) => {
      const s = await o.forecast.stockDays(actor(req).orgId, req.query.venue_id);
      return { ...s, items: s.items.map((i) => ({ ...i, fittedAt: i.fittedAt ? new Date(i.fittedAt) : null })) };
    },
  );
  r.post(
    '/forecast/retrain',
    {
      onRequest: app.authorize('owner', 'manager'),
      schema: {
        tags: ['forecast'],
        summary: "Refit the venue's forecasts now (a job: GET /api/v1/jobs/{id})",
        querystring: venueQuery,
        response: { 202: forecastRetrain },
      },
    },
    async (req, reply) => {
      const jobId = await o.forecast.queueRefit(actor(req).orgId, req.query.venue_id);
      return reply.code(202).send({ jobId });
    },
  );
}

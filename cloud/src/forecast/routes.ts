import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  forecastAccuracyMetrics,
  forecastCalendar,
  forecastEvent,
  forecastEventBody,
  forecastEventList,
  forecastRetrain,
  forecastView,
  noContent,
  stockDaysView,
} from '@smartstock/api';
import { actor, idParam } from '../plugins/http.js';
import { scoreView } from './accuracy.js';
import type { CalendarService } from './calendar.service.js';
import type { ForecastService } from './forecast.service.js';

const itemAtLocation = z.object({ item_id: z.uuid(), location_id: z.uuid() });
const venueQuery = z.object({ venue_id: z.uuid() });

/** /api/v1/forecast: demand forecasts, days of stock left, refits. */
export async function forecastRoutes(
  app: FastifyInstance,
  options: { forecast: ForecastService; calendar?: CalendarService | undefined },
): Promise<void> {
  const typedApp = app.withTypeProvider<ZodTypeProvider>();
  typedApp.get(
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
      const f = await options.forecast.forecast(actor(req).orgId, req.query.item_id, req.query.location_id);
      const accuracy = f.backtest.find((b) => b.model === f.model) ?? null;
      return {
        itemId: f.itemId,
        locationId: f.locationId,
        model: f.model,
        days: f.points,
        accuracy: accuracy && scoreView(accuracy),
        candidates: f.backtest.map(scoreView),
        reasons: f.reasons,
        regressors: f.regressors,
        history: f.sources,
        through: f.through,
        fittedAt: new Date(f.fittedAt),
      };
    },
  );
  typedApp.get(
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
      const stockDays = await options.forecast.stockDays(actor(req).orgId, req.query.venue_id);
      return {
        ...stockDays,
        items: stockDays.items.map((item) => ({ ...item, fittedAt: item.fittedAt ? new Date(item.fittedAt) : null })),
      };
    },
  );
  typedApp.get(
    '/forecast/accuracy-metrics',
    {
      onRequest: app.authorize(),
      schema: {
        tags: ['forecast'],
        summary:
          "How well the venue's forecasts did in their backtests: MASE, WAPE, bias and 80/95 % coverage per series and overall, next to seasonal naive and naive lag-1",
        querystring: venueQuery,
        response: { 200: forecastAccuracyMetrics },
      },
    },
    (req) => options.forecast.accuracyMetrics(actor(req).orgId, req.query.venue_id),
  );
  typedApp.post(
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
      const jobId = await options.forecast.queueRefit(actor(req).orgId, req.query.venue_id);
      return reply.code(202).send({ jobId });
    },
  );
  const calendar = options.calendar;
  if (!calendar) return;
  typedApp.get(
    '/forecast/calendar',
    {
      onRequest: app.authorize(),
      schema: {
        tags: ['forecast'],
        summary: "The venue's place, country and iCal feeds for weather and events",
        querystring: venueQuery,
        response: { 200: forecastCalendar },
      },
    },
    (req) => calendar.settings(actor(req).orgId, req.query.venue_id),
  );
  typedApp.put(
    '/forecast/calendar',
    {
      onRequest: app.authorize('owner', 'manager'),
      schema: {
        tags: ['forecast'],
        summary: 'Set where the venue is, its country and its iCal feeds',
        querystring: venueQuery,
        body: forecastCalendar,
        response: { 200: forecastCalendar },
      },
    },
    (req) => calendar.saveSettings(actor(req).orgId, req.query.venue_id, req.body),
  );
  typedApp.get(
    '/forecast/events',
    {
      onRequest: app.authorize(),
      schema: {
        tags: ['forecast'],
        summary: 'Events entered by hand between two days (default: the next 90)',
        querystring: venueQuery.extend({ from: z.iso.date().optional(), to: z.iso.date().optional() }),
        response: { 200: forecastEventList },
      },
    },
    (req) => {
      const from = req.query.from ?? new Date().toISOString().slice(0, 10);
      const to = req.query.to ?? new Date(Date.parse(from) + 90 * 86_400_000).toISOString().slice(0, 10);
      return calendar.events(actor(req).orgId, req.query.venue_id, from, to);
    },
  );
  typedApp.post(
    '/forecast/events',
    {
      onRequest: app.authorize('owner', 'manager'),
      schema: {
        tags: ['forecast'],
        summary: 'Enter an event (a game night, a promotion) that moves sales',
        body: forecastEventBody,
        response: { 201: forecastEvent },
      },
    },
    async (req, reply) => reply.code(201).send(await calendar.addEvent(actor(req).orgId, req.body.venueId, req.body.day, req.body.name)),
  );
  typedApp.delete(
    '/forecast/events/:id',
    {
      onRequest: app.authorize('owner', 'manager'),
      schema: { tags: ['forecast'], summary: 'Remove an event entered by hand', params: idParam, response: { 204: noContent } },
    },
    async (req, reply) => {
      await calendar.removeEvent(actor(req).orgId, req.params.id);
      return reply.code(204).send();
    },
  );
}

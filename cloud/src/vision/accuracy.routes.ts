import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { driftThresholds, driftThresholdsOverride, venueDriftThresholds, visionAccuracy } from '@smartstock/api';
import { actor, idParam } from '../plugins/http.js';
import type { AccuracyService } from './accuracy.service.js';

/** /api/v1/vision/accuracy: is the shelf model getting better or worse at each venue. */
export async function accuracyRoutes(app: FastifyInstance, options: { accuracy: AccuracyService }): Promise<void> {
  const typedApp = app.withTypeProvider<ZodTypeProvider>();
  typedApp.get(
    '/vision/accuracy',
    {
      onRequest: app.authorize('owner', 'manager'),
      schema: {
        tags: ['vision'],
        summary: 'The vision model judged by the corrections people made: per venue and model version, day by day',
        description:
          "Days are the venue's local days, from..to inclusive (default: the 30 days up to today, at most 366). " +
          'Confirmed: the person counted what the model counted; the count error is the mean absolute difference in bottles; ' +
          'the fill error pairs bottles left to right where the person gave fills and kept the count.',
        querystring: z.object({
          from: z.iso.date().optional(),
          to: z.iso.date().optional(),
          venueId: z.uuid().optional(),
        }),
        response: { 200: visionAccuracy },
      },
    },
    (req) => options.accuracy.accuracy(actor(req).orgId, req.query),
  );
  typedApp.get(
    '/vision/drift-thresholds',
    {
      onRequest: app.authorize('owner', 'manager'),
      schema: {
        tags: ['vision'],
        summary: "The model_drift alert's thresholds: the config's defaults and each venue's own",
        response: { 200: driftThresholds },
      },
    },
    (req) => options.accuracy.thresholds(actor(req).orgId),
  );
  typedApp.put(
    '/vision/drift-thresholds/:id',
    {
      onRequest: app.authorize('owner'),
      schema: {
        tags: ['vision'],
        summary:
          "Replaces a venue's own drift thresholds (a value absent or null: the config's default); the venue is judged again at once",
        params: idParam,
        body: driftThresholdsOverride.partial(),
        response: { 200: venueDriftThresholds },
      },
    },
    (req) =>
      options.accuracy.setThresholds(actor(req), req.params.id, {
        windowDays: req.body.windowDays ?? null,
        countErrorAbove: req.body.countErrorAbove ?? null,
        minJudged: req.body.minJudged ?? null,
        correctionsAtLeast: req.body.correctionsAtLeast ?? null,
      }),
  );
}

import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DEVICE_ID_PATTERN } from '@smartstock/protocol';
import { bottleDetection, jobAccepted, jobStatus, type shelfCount } from '@smartstock/api';
import { AppError } from '../errors.js';
import { actor, idParam } from '../plugins/http.js';
import type { ShelfSource, VisionService } from './vision.service.js';

/** A phone photo of a shelf is a few MB; base64 in JSON adds a third. */
const MAX_PHOTO_BYTES = 8 * 1024 * 1024;

const localId = z.string().regex(/^[a-zA-Z0-9_.-]{1,64}$/, 'expected 1-64 of [a-zA-Z0-9_.-]');
const point = z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]);
const shelfBody = z
  .object({
    image: z.base64('expected the photo as base64 (JPEG or PNG)'),
    slots: z
      .array(
        z.object({
          id: localId,
          itemId: z.uuid().nullable().default(null),
          name: z.string().max(120).nullable().default(null),
          polygon: z.array(point).min(3).max(64),
        }),
      )
      .min(1)
      .max(200)
      .optional()
      .describe('slot polygons in normalised image coordinates; or name a device camera to use its saved slots'),
    deviceId: z.string().regex(DEVICE_ID_PATTERN).optional(),
    cameraId: localId.optional(),
  })
  .refine((b) => !!b.slots !== !!(b.deviceId && b.cameraId), {
    message: 'give either slots, or deviceId with cameraId',
    path: ['slots'],
  });

/** /api/v1/vision: the bottle models on a photo, in a worker thread. */
export async function visionRoutes(app: FastifyInstance, options: { vision: VisionService }): Promise<void> {
  const typedApp = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['vision'];
  app.addContentTypeParser(['image/jpeg', 'image/png'], { parseAs: 'buffer', bodyLimit: MAX_PHOTO_BYTES }, (_req, body, done) =>
    done(null, body),
  );

  typedApp.post(
    '/vision/detect-bottles',
    {
      onRequest: app.authorize(),
      bodyLimit: MAX_PHOTO_BYTES,
      schema: {
        tags,
        summary: 'Bottles and their fill in one photo (body: image/jpeg or image/png), answered at once',
        response: { 200: bottleDetection },
      },
    },
    async (req) => {
      if (!Buffer.isBuffer(req.body))
        throw new AppError(415, 'unsupported_media_type', 'send the photo as image/jpeg or image/png', 'image');
      return options.vision.detect(req.body);
    },
  );

  typedApp.post(
    '/vision/analyze-shelf',
    {
      onRequest: app.authorize(),
      bodyLimit: Math.ceil((MAX_PHOTO_BYTES * 4) / 3) + 64 * 1024,
      schema: { tags, summary: 'Count a shelf photo per slot; answers a job to poll', body: shelfBody, response: { 202: jobAccepted } },
    },
    async (req, reply) => {
      const { image, slots, deviceId, cameraId } = req.body;
      const source: ShelfSource = slots ? { slots } : { deviceId: deviceId!, cameraId: cameraId! };
      const job = await options.vision.analyzeShelf(actor(req), Buffer.from(image, 'base64'), source);
      return reply.code(202).send({
        jobId: job.id,
        status: job.status,
        statusUrl: `/api/v1/vision/processing-status/${job.id}`,
        jobUrl: `/api/v1/jobs/${job.id}`,
      });
    },
  );

  typedApp.get(
    '/vision/processing-status/:id',
    {
      onRequest: app.authorize(),
      schema: {
        tags,
        summary: 'A shelf-photo job: queued, running, done (with counts) or failed',
        params: idParam,
        response: { 200: jobStatus },
      },
    },
    async (req) => {
      const job = await options.vision.status(actor(req).orgId, req.params.id);
      return {
        jobId: job.id,
        status: job.status,
        // the runner stored shelfResult(); the schema checks it on the way out
        result: (job.result ?? undefined) as z.output<typeof shelfCount> | undefined,
        error: job.error ?? undefined,
        createdAt: new Date(job.createdAt),
        finishedAt: job.finishedAt === null ? null : new Date(job.finishedAt),
      };
    },
  );
}

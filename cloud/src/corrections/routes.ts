import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DEVICE_ID_PATTERN } from '@smartstock/protocol';
import { binary, correctionPage, correctionResult, slotCorrectionBody } from '@smartstock/api';
import { actor, idParam } from '../plugins/http.js';
import type { CorrectionService } from './correction.service.js';
import { exportLine } from './export.js';

const localId = z.string().regex(/^[a-zA-Z0-9_.-]{1,64}$/, 'expected 1-64 of [a-zA-Z0-9_.-]');
const deviceId = z.string().regex(DEVICE_ID_PATTERN, 'expected a thing name: 1-128 of [a-zA-Z0-9:_-]');
/** Who stands at the shelf and may count it (as for a COUNT): their true count moves stock and becomes training data. */
const correctors = ['owner', 'manager', 'bartender'] as const;
/** The labelled set shows the bar's shelves: for those who run the venue or its models. */
const exporters = ['owner', 'manager', 'technician'] as const;
const filters = {
  deviceId: deviceId.optional(),
  cameraId: localId.optional(),
  since: z.iso.datetime({ offset: true }).optional(),
};
const since = (iso: string | undefined) => (iso ? new Date(iso) : undefined);

/** /api/v1 routes for "this count is wrong" and the labelled set it builds. */
export async function correctionRoutes(app: FastifyInstance, options: { corrections: CorrectionService }): Promise<void> {
  const typedApp = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['corrections'];
  const corrections = options.corrections;
  typedApp.post(
    '/devices/:id/cameras/:cameraId/slots/:slotId/corrections',
    {
      onRequest: app.authorize(...correctors),
      schema: {
        tags,
        summary: "Records a slot's true count against the model's answer, with a crop of the slot from a fresh frame",
        description:
          'The crop is null, with cropMissing saying why, when the device cannot send a frame; the correction is stored either way. ' +
          "When the slot's newest reading is corrected and the slot holds an item, stock moves by an ADJUSTMENT to the true count.",
        params: z.object({ id: deviceId, cameraId: localId, slotId: localId }),
        body: slotCorrectionBody,
        response: { 201: correctionResult },
      },
    },
    async (req, reply) => {
      const { id, cameraId, slotId } = req.params;
      return reply.code(201).send(await corrections.correct(actor(req), { deviceId: id, cameraId, slotId }, req.body));
    },
  );
  typedApp.get(
    '/corrections',
    {
      onRequest: app.authorize(),
      schema: {
        tags,
        summary: 'Corrections, newest first, by device, camera and time',
        querystring: z.object({
          ...filters,
          cursor: z.string().max(200).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: correctionPage },
      },
    },
    (req) => corrections.list(actor(req).orgId, { ...req.query, since: since(req.query.since) }),
  );
  typedApp.get(
    '/corrections/export',
    {
      onRequest: app.authorize(...exporters),
      schema: {
        tags,
        summary: 'The labelled set: one JSON line per correction (true count, model answer, base64 JPEG crop)',
        querystring: z.object(filters),
        response: { 200: { content: { 'application/x-ndjson': { schema: binary } } } },
      },
    },
    async (req, reply) => {
      const rows = corrections.export(actor(req).orgId, { ...req.query, since: since(req.query.since) });
      const lines = Readable.from(
        (async function* () {
          for await (const c of rows) yield exportLine(c) + '\n';
        })(),
      );
      return reply
        .type('application/x-ndjson')
        .header('content-disposition', 'attachment; filename="corrections.jsonl"')
        .header('cache-control', 'no-store')
        .send(lines);
    },
  );
  typedApp.get(
    '/corrections/:id/crop',
    {
      onRequest: app.authorize(),
      schema: {
        tags,
        summary: 'The JPEG crop of the slot the correction was made on',
        params: idParam,
        response: { 200: { content: { 'image/jpeg': { schema: binary } } } },
      },
    },
    async (req, reply) => {
      const jpeg = await corrections.crop(actor(req).orgId, req.params.id);
      return reply.type('image/jpeg').header('cache-control', 'private, max-age=86400').send(jpeg);
    },
  );
}

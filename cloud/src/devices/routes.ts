import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CLOUD_CERTIFICATE_NAME, DEVICE_ID_PATTERN, reservedDeviceIdReason } from '@smartstock/protocol';
import { binary, device, deviceWithCameras, storedSnapshot } from '@smartstock/api';
import type { App } from '../plugins/http.js';
import { actor } from '../plugins/http.js';
import type { DevicesModuleOptions } from './index.js';

const deviceId = z.string().regex(DEVICE_ID_PATTERN, 'expected a thing name: 1-128 of [a-zA-Z0-9:_-]');
// a device certificate with the cloud's name would read every device's topics on the self-hosted broker
const newDeviceId = deviceId.refine(
  (id) => reservedDeviceIdReason(id) === null,
  `that is the cloud's own certificate name (${CLOUD_CERTIFICATE_NAME}), which the broker lets read every device: choose another`,
);
const localId = z.string().regex(/^[a-zA-Z0-9_.-]{1,64}$/, 'expected 1-64 of [a-zA-Z0-9_.-]');
const point = z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]);
const camera = z.object({
  id: localId,
  locationId: z.uuid(),
  name: z.string().max(120).nullable().optional(),
  url: z.string().regex(/^(rtsps?|file):\/\/.+/, 'expected an rtsp://, rtsps:// or file:// URL'),
  transport: z.enum(['tcp', 'udp', 'auto']).default('tcp'),
  sampleEverySeconds: z.number().min(0.1).max(3600).default(2),
  enabled: z.boolean().default(true),
  slots: z
    .array(
      z.object({
        id: localId,
        itemId: z.uuid().nullable(),
        name: z.string().max(120).nullable().optional(),
        polygon: z.array(point).min(3).max(64),
      }),
    )
    .max(200)
    .refine((slots) => new Set(slots.map((slot) => slot.id)).size === slots.length, 'slot ids must be unique within a camera'),
});
const params = z.object({ id: deviceId });
const manage = ['owner', 'technician'] as const;

export default async function deviceRoutes(app: App, options: DevicesModuleOptions) {
  const typedApp = app.withTypeProvider<ZodTypeProvider>();
  const devices = options.devices;
  const tags = ['devices'];
  typedApp.post(
    '/devices',
    {
      onRequest: app.authorize(...manage),
      schema: {
        tags,
        body: z.object({
          id: newDeviceId,
          venueId: z.uuid(),
          name: z.string().min(1).max(200),
          certFingerprint: z
            .string()
            .regex(/^[0-9a-f]{64}$/)
            .optional(),
        }),
        response: { 201: device },
      },
    },
    async (req, reply) => reply.code(201).send(await devices.register(actor(req), req.body)),
  );
  typedApp.get(
    '/devices',
    {
      onRequest: app.authorize(),
      schema: { tags, querystring: z.object({ venueId: z.uuid().optional() }), response: { 200: z.array(device) } },
    },
    (req) => devices.list(actor(req).orgId, req.query.venueId),
  );
  typedApp.get('/devices/:id', { onRequest: app.authorize(), schema: { tags, params, response: { 200: deviceWithCameras } } }, (req) =>
    devices.get(actor(req).orgId, req.params.id),
  );
  typedApp.post(
    '/devices/:id/revoke',
    { onRequest: app.authorize(...manage), schema: { tags, params, response: { 200: device } } },
    (req) => devices.revoke(actor(req), req.params.id),
  );
  typedApp.put(
    '/devices/:id/cameras',
    {
      onRequest: app.authorize(...manage),
      schema: {
        tags,
        summary: "Saves the device's cameras and slots and publishes its retained config with the next revision",
        description:
          'expectedRevision: the configRevision the cameras were read at (GET /devices/:id); when the device has moved on ' +
          'since (another write), 409 stale_revision names the revision it has and nothing is saved. Without it the write replaces whatever is there.',
        params,
        body: z.object({
          expectedRevision: z.number().int().min(0).optional(),
          cameras: z
            .array(camera)
            .max(32)
            .refine((cameras) => new Set(cameras.map((camera) => camera.id)).size === cameras.length, 'camera ids must be unique'),
        }),
        response: { 200: deviceWithCameras },
      },
    },
    (req) => devices.saveCameras(actor(req), req.params.id, req.body.cameras, req.body.expectedRevision),
  );
  typedApp.post(
    '/devices/:id/snapshot',
    {
      onRequest: app.authorize('owner', 'manager', 'technician'),
      schema: {
        tags,
        summary:
          'Asks the device for an annotated JPEG; 504 when it does not answer in time, 409 no_frame_yet while the camera has not sent its first frame',
        description:
          'The snapshot is kept in object storage (blobs.retentionDays.snapshot): x-blob-key and content-location name it. ' +
          'Both are absent when the store is down; the picture is answered either way.',
        params,
        body: z.object({ cameraId: localId }),
        response: { 200: { content: { 'image/jpeg': { schema: binary } } } },
      },
    },
    async (req, reply) => {
      const shot = await devices.takeSnapshot(actor(req).orgId, req.params.id, req.body.cameraId, options.snapshotTimeoutMs);
      if (shot.key) reply.header('x-blob-key', shot.key).header('content-location', `/api/v1/blobs/${shot.key}`);
      return reply.type('image/jpeg').header('cache-control', 'no-store').send(shot.jpeg);
    },
  );
  typedApp.get(
    '/devices/:id/snapshots',
    {
      onRequest: app.authorize('owner', 'manager', 'technician'),
      schema: {
        tags,
        summary: "The device's kept snapshots, newest first",
        params,
        querystring: z.object({ cameraId: localId.optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.array(storedSnapshot) },
      },
    },
    (req) => devices.snapshots(actor(req).orgId, req.params.id, req.query.cameraId, req.query.limit),
  );
}

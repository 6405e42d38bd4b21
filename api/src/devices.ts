import { z } from 'zod';
import { cameraHealthSchema } from '@smartstock/protocol';
import { localId, timestamp, uuid } from './common.js';

const point = z.tuple([z.number(), z.number()]);
export const slot = z.strictObject({ id: localId, itemId: uuid.nullable(), name: z.string().nullish(), polygon: z.array(point) });
export const camera = z.strictObject({
  id: localId,
  locationId: uuid,
  name: z.string().nullish(),
  url: z.string(),
  transport: z.enum(['tcp', 'udp', 'auto']),
  sampleEverySeconds: z.number(),
  enabled: z.boolean(),
  slots: z.array(slot),
});

/** The device's last online status as the cloud keeps it (null before the first, or after its last will). */
export const deviceHealth = z
  .strictObject({
    cameras: z.array(cameraHealthSchema),
    agentVersion: z.string(),
    uptimeS: z.number(),
    inferenceMs: z.strictObject({ p50: z.number(), p99: z.number() }),
    models: z.record(z.string(), z.string()),
    outbox: z.strictObject({ depth: z.number(), droppedRows: z.number() }),
    configRevision: z.number(),
    at: z.string(),
  })
  .partial();

export const device = z.strictObject({
  id: z.string(),
  orgId: uuid,
  venueId: uuid,
  name: z.string(),
  certFingerprint: z.string().nullable(),
  revokedAt: timestamp.nullable(),
  online: z.boolean(),
  lastSeenAt: timestamp.nullable(),
  health: deviceHealth.nullable(),
  configRevision: z.number(),
  configAckedRevision: z.number(),
  configError: z.string().nullable(),
});
export const deviceWithCameras = device.extend({ cameras: z.array(camera) });

/** A snapshot the cloud kept (object storage, for blobs.retentionDays.snapshot): fetch it at url. */
export const storedSnapshot = z.strictObject({
  key: z.string().describe('org/<orgId>/snapshot/<deviceId>/<cameraId>/<name>.jpg'),
  cameraId: z.string(),
  url: z.string().describe('GET /api/v1/blobs/<key>'),
  bytes: z.number().int(),
  takenAt: timestamp,
});

import { z } from 'zod';
import { deviceId, isoTime, localId, version } from './common.js';

/** A point in normalised image coordinates (0-1), so slots survive a resolution change. */
const point = z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]);

export const slotSchema = z
  .object({
    id: localId,
    sku: z.string().min(1).max(64).nullable(),
    name: z.string().max(120).optional().describe('what the technician called it, e.g. "Tito\'s 750ml, top shelf left"'),
    polygon: z.array(point).min(3).max(64),
  })
  .strict();

export const cameraConfigSchema = z
  .object({
    id: localId,
    name: z.string().max(120).optional(),
    url: z
      .string()
      .regex(/^(rtsps?|file):\/\/.+/, 'expected an rtsp://, rtsps:// or file:// URL')
      .describe('may hold credentials: never logged unredacted'),
    transport: z.enum(['tcp', 'udp', 'auto']).default('tcp'),
    sampleEverySeconds: z.number().min(0.1).max(3600).default(2),
    enabled: z.boolean().default(true),
    slots: z.array(slotSchema).max(200),
  })
  .strict()
  .superRefine((cam, ctx) => {
    const seen = new Set<string>();
    cam.slots.forEach((s, i) => {
      if (seen.has(s.id))
        ctx.addIssue({ code: 'custom', path: ['slots', i, 'id'], message: `duplicate slot id "${s.id}" in camera "${cam.id}"` });
      seen.add(s.id);
    });
  });

/** A device's cameras, at most 32, each id once: the same rule for the cloud's config and the agent's file. */
export const cameraListSchema = z
  .array(cameraConfigSchema)
  .max(32)
  .superRefine((cameras, ctx) => {
    const seen = new Set<string>();
    cameras.forEach((c, i) => {
      if (seen.has(c.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate camera id "${c.id}"` });
      seen.add(c.id);
    });
  });

export const desiredConfigSchema = z
  .object({
    v: version,
    deviceId,
    revision: z.number().int().min(1),
    issuedAt: isoTime,
    cameras: cameraListSchema,
  })
  .strict();

export type SlotConfig = z.infer<typeof slotSchema>;
export type CameraConfig = z.infer<typeof cameraConfigSchema>;
export type DesiredConfig = z.infer<typeof desiredConfigSchema>;

export const configAckSchema = z.discriminatedUnion('status', [
  z.object({ v: version, deviceId, revision: z.number().int().min(0), status: z.literal('applied'), at: isoTime }).strict(),
  z
    .object({
      v: version,
      deviceId,
      revision: z.number().int().min(0),
      status: z.literal('rejected'),
      error: z.string().min(1).max(2000).describe('why, naming the key'),
      keptRevision: z.number().int().min(0).describe('the revision still in force'),
      at: isoTime,
    })
    .strict(),
]);
export type ConfigAck = z.infer<typeof configAckSchema>;

import { z } from 'zod';
import { deviceId, isoTime, localId, version } from './common.js';

export const CAMERA_STATES = ['connecting', 'streaming', 'stale', 'failed', 'disabled'] as const;

export const cameraHealthSchema = z
  .object({
    id: localId,
    state: z.enum(CAMERA_STATES),
    reason: z
      .string()
      .max(500)
      .optional()
      .describe('why stale or failed, in plain words; on a streaming camera, a note such as why it decodes every frame'),
    fps: z.number().min(0),
    lastFrameAt: isoTime.nullable(),
    restarts: z.number().int().min(0),
    droppedFrames: z.number().int().min(0),
    // optional, and sent only for a camera that fell back: a status without them is what it was before
    decoding: z
      .enum(['keyframes', 'every-frame'])
      .optional()
      .describe('every-frame: the agent decodes every frame (more CPU) because the camera sends keyframes too far apart'),
    keyframeIntervalS: z.number().positive().optional().describe("seconds between the camera's keyframes, where the agent measured it"),
  })
  .strict();

const online = z
  .object({
    v: version,
    deviceId,
    state: z.literal('online'),
    at: isoTime,
    agentVersion: z.string().max(64),
    uptimeS: z.number().min(0),
    cameras: z.array(cameraHealthSchema),
    inferenceMs: z.object({ p50: z.number().min(0), p99: z.number().min(0) }).strict(),
    models: z.record(z.string(), z.string().max(128)).describe('model name -> version'),
    outbox: z
      .object({
        depth: z.number().int().min(0),
        droppedRows: z.number().int().min(0).describe('rows dropped by the disk cap since install; never silent'),
      })
      .strict(),
    configRevision: z.number().int().min(0),
  })
  .strict();

/** The last will: the broker publishes it when the device vanishes, so it cannot carry figures. */
const offline = z
  .object({
    v: version,
    deviceId,
    state: z.literal('offline'),
    at: isoTime.optional(),
    graceful: z.boolean().optional(),
  })
  .strict();

export const deviceStatusSchema = z.discriminatedUnion('state', [online, offline]);
export type DeviceStatus = z.infer<typeof deviceStatusSchema>;
export type OnlineStatus = z.infer<typeof online>;
export type CameraHealth = z.infer<typeof cameraHealthSchema>;

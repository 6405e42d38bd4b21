import { z } from 'zod';
import { deviceId, isoTime, localId, version } from './common.js';

export const snapshotRequestSchema = z
  .object({
    v: version,
    requestId: z.string().min(1).max(64),
    cameraId: localId,
    // Added in place (optional, defaults to drawing it): false asks for the frame without
    // slot outlines and detection boxes, as training crops need. An agent older than this
    // field rejects the request and the asker times out, which it must handle anyway.
    overlay: z.boolean().optional(),
  })
  .strict();
export type SnapshotRequest = z.infer<typeof snapshotRequestSchema>;

/** The JSON header of a snapshot message; the JPEG bytes follow it (see snapshot-codec.ts). */
export const snapshotHeaderSchema = z
  .object({
    v: version,
    deviceId,
    requestId: z.string().min(1).max(64),
    cameraId: localId,
    at: isoTime,
    status: z.enum(['ok', 'error']),
    width: z.number().int().min(0),
    height: z.number().int().min(0),
    error: z.string().max(500).optional(),
  })
  .strict();
export type SnapshotHeader = z.infer<typeof snapshotHeaderSchema>;

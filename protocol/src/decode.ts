import type { z } from 'zod';
import { observationBatchSchema, type ObservationBatch } from './messages/observation.js';
import { deviceStatusSchema, type DeviceStatus } from './messages/status.js';
import { desiredConfigSchema, configAckSchema, type DesiredConfig, type ConfigAck } from './messages/config.js';
import { snapshotRequestSchema, type SnapshotRequest } from './messages/snapshot.js';

/** AWS IoT Core's hard limit for one MQTT payload. */
export const MAX_PAYLOAD_BYTES = 128 * 1024;

export interface DecodeError {
  /** Dotted path of the first bad field, e.g. `observations.3.fills.0`; `(payload)` for the whole message. */
  field: string;
  message: string;
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: DecodeError };

export function formatDecodeError(e: DecodeError): string {
  return `${e.field}: ${e.message}`;
}

/** Validates an already-parsed value; the error names the first bad field. */
export function validate<T>(schema: z.ZodType<T>, value: unknown): Decoded<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0]!;
  const field = issue.path.length ? issue.path.map(String).join('.') : '(payload)';
  return { ok: false, error: { field, message: issue.message } };
}

/** JSON is UTF-8 (RFC 8259): a payload that is not is refused, not read with U+FFFD in place of its bad bytes. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeWith<T>(schema: z.ZodType<T>) {
  return (payload: Uint8Array | string): Decoded<T> => {
    const bytes = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
    if (bytes > MAX_PAYLOAD_BYTES) {
      return { ok: false, error: { field: '(payload)', message: `payload is ${bytes} bytes, over the ${MAX_PAYLOAD_BYTES}-byte limit` } };
    }
    let text: string;
    try {
      text = typeof payload === 'string' ? payload : utf8.decode(payload);
    } catch {
      return { ok: false, error: { field: '(payload)', message: 'not UTF-8: JSON must be UTF-8 encoded' } };
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return { ok: false, error: { field: '(payload)', message: `not JSON: ${(e as Error).message}` } };
    }
    return validate(schema, value);
  };
}

export const decodeObservationBatch: (p: Uint8Array | string) => Decoded<ObservationBatch> = decodeWith(observationBatchSchema);
export const decodeDeviceStatus: (p: Uint8Array | string) => Decoded<DeviceStatus> = decodeWith(deviceStatusSchema);
export const decodeDesiredConfig: (p: Uint8Array | string) => Decoded<DesiredConfig> = decodeWith(desiredConfigSchema);
export const decodeConfigAck: (p: Uint8Array | string) => Decoded<ConfigAck> = decodeWith(configAckSchema);
export const decodeSnapshotRequest: (p: Uint8Array | string) => Decoded<SnapshotRequest> = decodeWith(snapshotRequestSchema);

import { z } from 'zod';
import { observationBatchSchema } from './messages/observation.js';
import { deviceStatusSchema } from './messages/status.js';
import { desiredConfigSchema, configAckSchema } from './messages/config.js';
import { snapshotRequestSchema, snapshotHeaderSchema } from './messages/snapshot.js';

/** Every message of protocol v1, by the file name its JSON Schema is committed under. */
export const MESSAGE_SCHEMAS = {
  'observation-batch': observationBatchSchema,
  'device-status': deviceStatusSchema,
  'desired-config': desiredConfigSchema,
  'config-ack': configAckSchema,
  'snapshot-request': snapshotRequestSchema,
  'snapshot-header': snapshotHeaderSchema,
} as const;

export function toJsonSchemas(): Record<keyof typeof MESSAGE_SCHEMAS, object> {
  const out = {} as Record<keyof typeof MESSAGE_SCHEMAS, object>;
  for (const [name, schema] of Object.entries(MESSAGE_SCHEMAS)) {
    out[name as keyof typeof MESSAGE_SCHEMAS] = {
      $id: `https://smartstock.dev/schemas/v1/${name}.schema.json`,
      ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }),
    };
  }
  return out;
}

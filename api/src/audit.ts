import { z } from 'zod';
import { timestamp, uuid } from './common.js';

/** One row of the audit trail: who changed what. */
export const auditEntry = z.strictObject({
  id: z.string().describe('increasing; the page cursor'),
  at: timestamp,
  actor: z
    .strictObject({ id: uuid, email: z.string().nullable(), name: z.string().nullable() })
    .nullable()
    .describe('null for the system (jobs, devices)'),
  action: z.string(),
  entity: z.string(),
  entityId: z.string().nullable(),
  entityName: z
    .string()
    .nullable()
    .describe('what the entity is called now (an item, venue, device or person by name); null once it is gone'),
  detail: z.record(z.string(), z.unknown()).nullable(),
});
export const auditPage = z.strictObject({
  entries: z.array(auditEntry),
  nextCursor: z.string().nullable().describe('pass as cursor for the next (older) page; null at the end'),
});

import { z } from 'zod';
import { timestamp, uuid } from './common.js';

export const POS_PROVIDERS = ['square', 'toast', 'tabit', 'csv'] as const;
export const posProvider = z.enum(POS_PROVIDERS);
export type PosProvider = z.infer<typeof posProvider>;

/** A POS connection as the API shows it: its secrets are never part of it. */
export const posConnection = z.strictObject({
  id: uuid,
  provider: posProvider,
  name: z.string(),
  venueId: uuid,
  locationId: uuid.describe('the location whose stock the sales deplete'),
  providerLocationId: z.string().nullable(),
  hasSecrets: z.boolean().describe('credentials or a webhook key are stored (encrypted); they are never returned'),
  webhookUrl: z.string().nullable().describe("the URL to give the POS's webhook subscription; the signature covers it"),
  health: z.strictObject({
    lastEventAt: timestamp.nullable(),
    lastError: z.string().nullable(),
    lastErrorAt: timestamp.nullable(),
    eventsToday: z.number().int(),
  }),
  createdAt: timestamp,
});

export const posBackfillQueued = z.strictObject({
  jobId: uuid.describe('the pull, on the job queue (GET /api/v1/jobs/{id}: orders, changedLines when done)'),
  connectionId: uuid,
  businessDate: z.string().describe('YYYY-MM-DD'),
});

export const webhookAck = z.strictObject({
  received: z.boolean(),
  duplicate: z.boolean().describe('this event id was seen before: nothing changed'),
  jobIds: z.array(uuid).describe('the order fetches queued (GET /api/v1/jobs/{id})'),
});

/** A menu item or modifier nobody has mapped yet, with the sales waiting on it. */
export const unmappedEntry = z.strictObject({
  kind: z.enum(['item', 'modifier']),
  posKey: z.string(),
  name: z.string(),
  lines: z.number().int(),
  quantity: z.number(),
  revenueCents: z.number().int(),
});

export const salesCoverage = z.strictObject({
  venueId: uuid,
  from: timestamp,
  to: timestamp,
  lines: z.number().int(),
  mappedLines: z.number().int(),
  revenueCents: z.number().int(),
  mappedRevenueCents: z.number().int(),
  byCount: z.number().nullable().describe('share of lines mapped, 0-1; null without sales'),
  byRevenue: z.number().nullable().describe('share of revenue mapped, 0-1; null without revenue'),
});

/** What the venue sold, by POS menu item, over a period (voided lines left out). */
export const menuSales = z.strictObject({
  venueId: uuid,
  from: timestamp,
  to: timestamp,
  items: z.array(
    z.strictObject({
      posKey: z.string(),
      name: z.string(),
      lines: z.number().int(),
      quantity: z.number(),
      revenueCents: z.number().int(),
      mapped: z.boolean().describe('every line of it has a recipe'),
    }),
  ),
});

/**
 * soldTime: the time of day where the export keeps it apart from the date (Square's Item Sales: Date, Time);
 * voided: a column saying the row was voided (Toast's ItemSelectionDetails: Void?), which then sold nothing.
 */
export const CSV_FIELDS = ['orderId', 'lineId', 'item', 'modifiers', 'quantity', 'revenue', 'soldAt', 'soldTime', 'voided'] as const;
export const csvMapping = z.strictObject({
  venueId: uuid,
  columns: z.partialRecord(z.enum(CSV_FIELDS), z.string()),
  updatedAt: timestamp,
});

const csvError = z.strictObject({ line: z.number().int(), column: z.string(), message: z.string() });
const csvRow = z.strictObject({
  line: z.number().int(),
  lineUid: z.string(),
  orderId: z.string(),
  item: z.string(),
  modifiers: z.array(z.string()),
  quantity: z.number(),
  revenueCents: z.number().int(),
  soldAt: timestamp,
});
export const csvPreview = z.strictObject({
  importId: uuid,
  goodRows: z.number().int(),
  badRows: z.number().int(),
  errors: z.array(csvError),
  preview: z.array(csvRow).describe('the first good rows, as they will be imported'),
  confirmUrl: z.string(),
});
export const csvImported = z.strictObject({
  importId: uuid,
  imported: z.number().int().describe('rows new or changed'),
  unchanged: z.number().int().describe('rows imported before (same line): nothing written twice'),
});

export const RECIPE_KINDS = ['item', 'modifier'] as const;
export const recipe = z.strictObject({
  id: uuid,
  venueId: uuid,
  kind: z.enum(RECIPE_KINDS),
  posKey: z.string().describe("the POS's id of the menu item or modifier (Square: the catalog object id), or its name"),
  name: z.string(),
  multiplier: z.number().describe('scales the drink (a "double": 2); 1 for items'),
  components: z.array(z.strictObject({ itemId: uuid, ml: z.number() })),
  updatedAt: timestamp,
});

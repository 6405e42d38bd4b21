import { z } from 'zod';
import { timestamp, uuid } from './common.js';

/**
 * Whether a variance line could be computed: `measured` has an opening and a closing
 * measurement (camera reading or count); the others say which one is missing, so an
 * item-location never counted is never shown as a zero loss.
 */
export const VARIANCE_STATUSES = ['measured', 'no_opening', 'no_closing', 'not_counted'] as const;
export const MEASUREMENT_SOURCES = ['camera', 'count'] as const;
export const ANOMALY_KINDS = ['outside_hours', 'no_sale', 'sudden_drop'] as const;

const measurement = z.object({ source: z.enum(MEASUREMENT_SOURCES), at: timestamp, units: z.number() });
/** One quantity in every unit the report speaks: bottle units, ml (null without a bottle size), money (null without a cost). */
const amount = z.object({ units: z.number(), ml: z.number().nullable(), cost: z.number().nullable() });

export const varianceLine = z.object({
  itemId: uuid,
  sku: z.string(),
  name: z.string(),
  locationId: uuid,
  locationName: z.string(),
  bottleSizeMl: z.number().nullable(),
  unitCost: z.number().nullable(),
  status: z.enum(VARIANCE_STATUSES),
  opening: measurement.nullable(),
  closing: measurement.nullable(),
  received: amount,
  soldInTheory: amount,
  waste: amount,
  /** moved in from another location (of this venue or another); they net out across a venue's locations */
  transferredIn: amount,
  /** moved out to another location */
  transferredOut: amount,
  /** manual adjustments (signed) */
  adjusted: amount,
  /**
   * opening + received + transferred in − transferred out + adjusted − sold − waste − closing, opening and
   * closing being the whole location's stock (on the shelf and off camera); null unless status is measured
   */
  unexplained: amount.nullable(),
  /** unexplained as a share of everything that left the shelf (sold + waste + unexplained); null without usage */
  unexplainedPctOfUsage: z.number().nullable(),
  /**
   * POS revenue of the period's mapped sales of this item here (money; a drink of several items shares its
   * revenue by each item's cost in it); null when the POS priced none of it
   */
  revenue: z.number().nullable(),
  /** pour cost in theory: cost of sold in theory / revenue, in %; null without revenue or cost */
  pourCostPct: z.number().nullable(),
  /** actual pour cost: cost of actual usage (sold + waste + unexplained) / revenue, in %; null unless measured */
  actualPourCostPct: z.number().nullable(),
});

export const anomalyEvidence = z.object({
  observationId: uuid,
  at: timestamp,
  units: z.number(),
  deviceId: z.string(),
  cameraId: z.string(),
  slotId: z.string(),
});
export const varianceAnomaly = z.object({
  itemId: uuid,
  locationId: uuid,
  kinds: z.array(z.enum(ANOMALY_KINDS)),
  at: timestamp,
  /** bottle units gone between the two readings */
  dropUnits: z.number(),
  dropMl: z.number().nullable(),
  /** bottle units sold in theory or recorded as waste between the readings (15 min slack either side); 0 makes it no_sale */
  recordedUnits: z.number(),
  before: anomalyEvidence,
  after: anomalyEvidence,
  /** the item's readings and ledger rows from an hour before the reading before the drop to an hour after it (GET, JSON) */
  observationsUrl: z.string(),
  /**
   * the camera's kept snapshot nearest the drop, within 30 minutes of its two readings; null when none was kept (the cloud
   * keeps a picture only when someone takes one: the edge sends readings, not pictures)
   */
  snapshot: z.object({ url: z.string(), takenAt: timestamp }).nullable(),
  /** snapshot.url, or null */
  snapshotUrl: z.string().nullable(),
  /** what the evidence is and is not, in words: which snapshot, or why there is none */
  snapshotNote: z.string(),
});

export const openingHours = z.object({
  /** `sales`: inferred from the hours of the week in which the venue sold anything; `unknown`: no sales to infer from, so no drop is judged by the clock */
  source: z.enum(['sales', 'unknown']),
  timezone: z.string(),
  explanation: z.string(),
});

export const varianceReport = z.object({
  venueId: uuid,
  from: timestamp,
  to: timestamp,
  generatedAt: timestamp,
  openingHours,
  totals: z.object({
    unexplainedUnits: z.number(),
    unexplainedCost: z.number(),
    linesMeasured: z.number().int(),
    linesNotMeasured: z.number().int(),
    /** POS revenue over the lines that have some */
    revenue: z.number(),
    /** cost of sold in theory / revenue, over the lines with revenue and a cost; null without */
    pourCostPct: z.number().nullable(),
    /** cost of actual usage / revenue, over the measured lines with revenue and a cost; null without */
    actualPourCostPct: z.number().nullable(),
  }),
  lines: z.array(varianceLine),
  anomalies: z.array(varianceAnomaly),
});

export const kpiReport = z.object({
  venueId: uuid,
  from: timestamp,
  to: timestamp,
  generatedAt: timestamp,
  /**
   * theoretical cost of the sales the POS priced / their revenue (pct, in %); theoreticalCost is every
   * sale's, pricedCost the part with POS revenue; null pct and revenue, with the reason, without POS revenue
   */
  pourCost: z.object({
    pct: z.number().nullable(),
    theoreticalCost: z.number(),
    pricedCost: z.number(),
    revenue: z.number().nullable(),
    note: z.string().nullable(),
  }),
  /** current stock × unit cost over the venue's locations; items without a cost are counted in itemsWithoutCost */
  inventoryValue: z.object({ value: z.number(), itemsWithoutCost: z.number().int() }),
  /** current stock / average daily theoretical usage over the period, per item (null: no usage) */
  daysOfStock: z.array(
    z.object({ itemId: uuid, sku: z.string(), name: z.string(), level: z.number(), dailyUsage: z.number(), days: z.number().nullable() }),
  ),
  deadStock: z.object({
    days: z.number().int(),
    items: z.array(z.object({ itemId: uuid, sku: z.string(), name: z.string(), level: z.number(), lastDepletionAt: timestamp.nullable() })),
  }),
  waste: z.object({ units: z.number(), ml: z.number().nullable(), cost: z.number() }),
});

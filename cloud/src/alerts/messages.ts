import { quantity, quantityOf } from '@smartstock/api/quantity';
import type { AlertContext } from './context.repository.js';
import type { RuleName } from './rules.js';

/**
 * The words a manager reads on a phone: short, specific, the place first.
 * Pure, so every wording is tested without a database.
 */
export interface OrderSuggestion {
  /** cases (bottles when the supplier sells them one by one) */
  cases: number;
  caseSize: number;
  supplier: string;
  /** the venue's draft order for the supplier that now holds it */
  draft?: {
    number: string;
    /** into the dashboard; absent when no public URL is set (never a localhost link on a phone) */
    link?: string | undefined;
  };
}

export interface AlertFacts {
  level?: number;
  reorderPoint?: number;
  deviceId?: string;
  cameraId?: string;
  since?: string;
  lastFrameAt?: string | null;
  depth?: number;
  days?: number;
  units?: number;
  order?: OrderSuggestion;
  /** model_drift: mean bottles off per corrected slot (null: too few to say), corrections made, over windowDays since `since` */
  countError?: number | null;
  corrections?: number;
  windowDays?: number;
}

/** Days are an estimate ("about"): one decimal says all it knows; stock figures go through quantity(). */
const days = (n: number) => {
  const figure = String(Math.round(n * 10) / 10);
  return `${figure} day${figure === '1' ? '' : 's'}`;
};

function itemLabel(c: AlertContext): string {
  const name = c.itemName ?? 'An item';
  return c.bottleSizeMl ? `${name} ${c.bottleSizeMl} ml` : name;
}

function place(c: AlertContext): string {
  return c.locationName ?? c.venueName;
}

function clock(iso: string | undefined | null, tz: string): string {
  if (!iso) return 'unknown';
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: tz }).format(new Date(iso));
}

function order(o: OrderSuggestion | undefined): string {
  if (!o) return '';
  const what = o.caseSize > 1 ? `${quantityOf(o.cases, 'case')} of ${o.caseSize}` : quantityOf(o.cases, 'bottle');
  // a link goes last with nothing after it: a phone would take a full stop into the URL
  if (o.draft?.link) return ` Order ${what} from ${o.supplier}, on draft ${o.draft.number}: ${o.draft.link}`;
  return ` Order ${what} from ${o.supplier}${o.draft ? `, on draft ${o.draft.number} in the dashboard` : ''}.`;
}

export function alertText(rule: RuleName, f: AlertFacts, c: AlertContext): string {
  const unit = c.unit ?? 'bottle';
  const device = c.deviceName ?? f.deviceId ?? 'a device';
  switch (rule) {
    // "Low" and "Out of" lead, so the two read apart at a glance on a lock screen
    case 'low_stock':
      return `Low: ${itemLabel(c)} at ${place(c)}, ${quantityOf(f.level ?? 0, unit)} left (reorder at ${quantity(f.reorderPoint ?? 0)}).${order(f.order)}`;
    case 'out_of_stock': {
      const left = Math.max(0, f.level ?? 0);
      return `Out of ${itemLabel(c)} at ${place(c)}${quantity(left) !== '0' ? ` (${quantityOf(left, unit)} left)` : ''}.${order(f.order)}`;
    }
    case 'forecast_stockout':
      return `${place(c)}: ${itemLabel(c)} runs out in about ${days(f.days ?? 0)} at the current pace.${order(f.order)}`;
    case 'unexplained_loss':
      return `${place(c)}: ${quantityOf(f.units ?? 0, unit)} of ${itemLabel(c)} gone without a sale, waste or transfer on record.`;
    case 'device_offline':
      return `${c.venueName}: device ${device} offline since ${clock(f.since, c.timezone)}. Its camera counts are paused until it returns.`;
    case 'camera_stale':
      return `${place(c)}: camera ${f.cameraId ?? '?'} on ${device} has sent no frame since ${clock(f.lastFrameAt, c.timezone)}; its counts are not trusted until it recovers.`;
    case 'outbox_backlog':
      return `${c.venueName}: device ${device} has ${f.depth ?? 0} observations waiting to upload; check its network.`;
    case 'model_drift':
      return driftText(f, c);
  }
}

/** The vision model's counts drift at a venue: how far off, and what to do about it (the fine-tuning set). */
function driftText(f: AlertFacts, c: AlertContext): string {
  const window = days(f.windowDays ?? 7);
  const n = quantityOf(f.corrections ?? 0, 'correction');
  const off =
    typeof f.countError === 'number'
      ? `the camera counts were off by ${quantityOf(f.countError, 'bottle')} a slot on average over the last ${window} (${n})`
      : `${n} in the last ${window}: the cameras may be miscounting`;
  const since = f.since ? f.since.slice(0, 10) : undefined;
  const query = since ? `?since=${since}` : '';
  return `${c.venueName}: ${off}. Export its corrections${since ? ` since ${since}` : ''} to fine-tune the model (GET /api/v1/corrections/export${query}, then npm run train:vision).`;
}

export function escalationText(message: string, minutes: number): string {
  return `Unacknowledged for ${minutes} min: ${message}`;
}

import type { z } from 'zod';
import type { figureSource, stockLevel, stockPart } from '@smartstock/api';
import { badRequest } from '../errors.js';
import type { PartRow, PartsAt, StockLevel } from './stock.repository.js';
import type { CountScope, StockPart, TransactionType } from './transaction.repository.js';

/**
 * The stock arithmetic, pure: an item's stock at a location is its on-shelf part
 * (what the cameras see in their slots there) plus its off-camera part (the
 * well, under the counter, storage). A camera reading replaces only the first;
 * a person's count says which part it is of.
 */

/** Where the item stands before a movement. */
export interface PartsNow {
  onShelf: number;
  offCamera: number;
  /** a camera at the location has a slot for the item */
  watched: boolean;
  /** for the words of an error */
  where: string;
}
export interface MovementAsked {
  type: TransactionType;
  /** COUNT: the figure counted; ADJUSTMENT and TRANSFER: a signed change; the rest: a positive amount */
  quantity: number;
  /** the quantity is already the signed change (a POS sale, or its reversal) */
  signed?: boolean | undefined;
  part?: CountScope | undefined;
}
export interface Planned {
  part: StockPart;
  counted: CountScope | null;
  delta: number;
  /** the part's figure after the row */
  partAfter: number;
}

const EPSILON = 1e-9;
const round = (n: number) => Math.round(n * 1000) / 1000;

/** Which part a movement moves, and by how much. Throws a 400 naming the field when it cannot be. */
export function planMovement(m: MovementAsked, now: PartsNow): Planned {
  const q = m.quantity;
  if (m.type === 'COUNT') {
    if (q < 0) throw badRequest('a count cannot be negative', 'quantity');
    const scope = m.part ?? 'whole';
    if (scope === 'on_shelf') return shelfMove(now, q - now.onShelf, 'on_shelf');
    if (scope === 'off_camera') return { part: 'off_camera', counted: 'off_camera', delta: round(q - now.offCamera), partAfter: q };
    const rest = q - now.onShelf;
    if (rest < -EPSILON)
      throw badRequest(
        `the cameras see ${round(now.onShelf)} on the shelf at ${now.where}, more than the ${q} counted for the whole location: ` +
          'if the camera is wrong, count what is on the shelf ("on shelf")',
        'quantity',
      );
    return { part: 'off_camera', counted: 'whole', delta: round(rest - now.offCamera), partAfter: round(rest) };
  }
  if (m.part === 'whole') throw badRequest('only a count can be of the whole location: say on_shelf or off_camera', 'part');
  let delta: number;
  if (m.type === 'ADJUSTMENT' || m.type === 'TRANSFER' || m.signed) delta = q;
  else if (q <= 0) throw badRequest(`${m.type.toLowerCase()} quantity must be positive`, 'quantity');
  else delta = m.type === 'RECEIVE' ? q : -q;
  // Deliveries and transfers arrive off the shelf; a pour or a breakage happens where the camera looks, if one does.
  const fallback: StockPart = m.type === 'RECEIVE' || m.type === 'TRANSFER' || !now.watched ? 'off_camera' : 'on_shelf';
  const part = m.part ?? fallback;
  if (part === 'on_shelf') return { ...shelfMove(now, delta, null) };
  return { part, counted: null, delta, partAfter: round(now.offCamera + delta) };
}

function shelfMove(now: PartsNow, delta: number, counted: CountScope | null): Planned {
  if (!now.watched) throw badRequest(`no camera watches this item at ${now.where}: count it off camera or as the whole location`, 'part');
  return { part: 'on_shelf', counted, delta: round(delta), partAfter: round(now.onShelf + delta) };
}

/** The parts of a derived level, as a movement starts from them. */
export function partsOf(l: StockLevel | undefined, where: string, watched = l?.watched ?? false): PartsNow {
  return { onShelf: l ? (l.cameraUnits ?? 0) + l.manualDelta : 0, offCamera: l?.offCamera ?? 0, watched, where };
}

const KIND: Record<string, z.output<typeof figureSource>['kind']> = {
  COUNT: 'count',
  RECEIVE: 'delivery',
  TRANSFER: 'transfer',
  SALE: 'sale',
  WASTE: 'waste',
  ADJUSTMENT: 'adjustment',
};
const sourceOf = (r: PartRow): z.output<typeof figureSource> => ({
  kind: KIND[r.type] ?? 'adjustment',
  at: r.at,
  userId: r.userId,
  userName: r.userName,
  counted: r.counted,
});
const later = (a: Date | null, b: Date | null) => (a && b ? (new Date(a) > new Date(b) ? a : b) : (a ?? b));

function onShelf(l: StockLevel): z.output<typeof stockPart> {
  const camAt = l.cameraAt ? new Date(l.cameraAt) : null;
  const since = l.shelfLast && (!camAt || l.shelfLast.at > camAt) ? l.shelfLast : null;
  const count = l.shelfCount;
  return {
    units: l.cameraUnits === null && !l.shelfRows ? null : round((l.cameraUnits ?? 0) + l.manualDelta),
    source: since ? sourceOf(since) : camAt ? { kind: 'camera', at: camAt, userId: null, userName: null, counted: null } : null,
    lastCount: count && {
      units: count.partAfter ?? 0,
      at: count.at,
      userId: count.userId,
      userName: count.userName,
      counted: 'on_shelf',
      current: !camAt || count.at > camAt,
    },
  };
}

function offCamera(l: StockLevel): z.output<typeof stockPart> {
  const count = l.offCount;
  return {
    units: l.offCamera === null ? null : round(l.offCamera),
    source: l.offLast && sourceOf(l.offLast),
    lastCount: count && {
      // the number the person gave: the whole location's, for a whole count
      units: count.counted === 'whole' ? (count.after ?? 0) : (count.partAfter ?? 0),
      at: count.at,
      userId: count.userId,
      userName: count.userName,
      counted: count.counted ?? 'off_camera',
      current: true,
    },
  };
}

/** The stock level as the API and the live socket show it: both parts, where each figure comes from and how fresh it is. */
export function present(l: StockLevel): z.output<typeof stockLevel> {
  const camAt = l.cameraAt ? new Date(l.cameraAt) : null;
  const manAt = later(l.manualAt && l.shelfRows ? new Date(l.manualAt) : null, l.offCameraAt ? new Date(l.offCameraAt) : null);
  const updatedAt = later(camAt, manAt);
  const status = !l.figured ? 'not_counted' : l.level <= 0 ? 'out' : l.level <= l.reorderPoint ? 'low' : 'ok';
  return {
    itemId: l.itemId,
    locationId: l.locationId,
    sku: l.sku,
    name: l.name,
    level: round(l.level),
    parLevel: l.parLevel,
    reorderPoint: l.reorderPoint,
    status,
    source: camAt ? (manAt ? 'camera+manual' : 'camera') : manAt ? 'manual' : 'none',
    cameraUnits: l.cameraUnits,
    confidence: l.confidence,
    updatedAt,
    watched: l.watched,
    onShelf: onShelf(l),
    offCamera: offCamera(l),
  };
}
export type PresentedStock = ReturnType<typeof present>;

/** A ledger row as it was written: what levelAfter needs of it. */
export interface WrittenRow {
  type: TransactionType;
  part: StockPart;
  counted: CountScope | null;
  quantity: number;
  partAfter: number | null;
  after: number | null;
  userId: string | null;
  at: Date;
}

/** Exact to the ledger's and the cameras' three places, without a double's stray digits. */
const exact = (n: number) => Math.round(n * 1e9) / 1e9;
const ms = (d: Date | string) => new Date(d).getTime();

/**
 * The level once `row` is written on top of `l`, by the rules of StockRepository.levels, so a
 * movement need not read the level back: the on-shelf rows count only after the camera's
 * reading, the off-camera ones always, and the newest row of a part is its source.
 * undefined where the answer needs the database: a row with an author (its name is read
 * there), or a row at the same millisecond as the camera's reading, or as the part's newest row
 * unlike it (the database orders by the microsecond and then by id; a Date holds milliseconds).
 */
export function levelAfter(l: StockLevel, row: WrittenRow): StockLevel | undefined {
  if (row.userId !== null) return undefined;
  const at = row.at.getTime();
  const last = row.part === 'on_shelf' ? l.shelfLast : l.offLast;
  const lastCount = row.part === 'on_shelf' ? l.shelfCount : l.offCount;
  // At the same instant as the part's newest row, the database's pick between the two is by
  // their random ids: either is right where they look alike (two till sales of one moment, as a
  // POS dates them), and a look-alike row is all the level shows of it; otherwise read it back.
  const lookAlike = (p: PartRow) => p.type === row.type && p.userId === null && p.counted === null && row.counted === null;
  const tied = (p: PartRow | null) => p !== null && ms(p.at) === at;
  if ((l.cameraAt && ms(l.cameraAt) === at) || (tied(last) && !lookAlike(last!)) || (row.type === 'COUNT' && tied(lastCount)))
    return undefined;
  const written: PartRow = {
    type: row.type,
    counted: row.counted,
    partAfter: row.partAfter,
    after: row.after,
    at: row.at,
    userId: null,
    userName: null,
  };
  const newest = (prev: PartRow | null) => (!prev || at >= ms(prev.at) ? written : prev);
  const latest = (prev: Date | null) => (prev && ms(prev) >= at ? prev : row.at);
  const next: StockLevel = { ...l };
  if (row.part === 'on_shelf') {
    // a shelf row dated before the camera's reading is already in what the camera saw
    if (!l.cameraAt || at > ms(l.cameraAt)) {
      next.manualDelta = exact(l.manualDelta + row.quantity);
      next.manualAt = latest(l.manualAt);
      next.shelfRows = l.shelfRows + 1;
      next.level = exact(l.level + row.quantity);
    }
    next.shelfLast = newest(l.shelfLast);
    if (row.type === 'COUNT') next.shelfCount = newest(l.shelfCount);
  } else {
    next.offCamera = exact((l.offCamera ?? 0) + row.quantity);
    next.offCameraAt = latest(l.offCameraAt);
    next.level = exact(l.level + row.quantity);
    next.offLast = newest(l.offLast);
    if (row.type === 'COUNT') next.offCount = newest(l.offCount);
  }
  if (row.type === 'COUNT' || row.type === 'RECEIVE' || (row.type === 'TRANSFER' && row.quantity > 0)) next.figured = true;
  return next;
}

/** Stock at an instant, and the measurement it rests on: the camera's reading or a person's count, whichever is later. */
export interface MeasuredStock {
  itemId: string;
  locationId: string;
  units: number;
  /** null: neither a camera nor a person had measured it by then (the ledger alone is not a measurement) */
  source: 'camera' | 'count' | null;
  at: Date | null;
}

/** The on-shelf part (camera reading plus the shelf rows since) and the off-camera part, added up. */
export function measuredAt(p: PartsAt): MeasuredStock {
  const camAt = p.cameraAt ? new Date(p.cameraAt) : null;
  const countAt = p.countAt ? new Date(p.countAt) : null;
  const counted = countAt !== null && (camAt === null || countAt > camAt);
  return {
    itemId: p.itemId,
    locationId: p.locationId,
    units: round((p.cameraUnits ?? 0) + Number(p.shelfDelta) + Number(p.offCamera)),
    source: counted ? 'count' : camAt ? 'camera' : null,
    at: counted ? countAt : camAt,
  };
}

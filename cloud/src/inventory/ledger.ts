import { storageAmong, type Location } from '../venues/index.js';
import { badRequest, notFound } from '../errors.js';
import type { repos } from './inventory.service.js';
import { levelAfter, partsOf, planMovement, present, type MovementAsked, type PresentedStock } from './stock.js';
import type { NewTransaction, Transaction } from './transaction.repository.js';
import type { StockLevel } from './stock.repository.js';

type Repos = ReturnType<typeof repos>;

export interface LedgerEntry extends MovementAsked {
  itemId: string;
  userId: string | null;
  reason?: string | null | undefined;
  sourceType: string;
  sourceId?: string | null | undefined;
  at?: Date | undefined;
  transferId?: string | undefined;
}

/** The ledger row of one movement, from the level it starts at: which part it moves, by how much, what it leaves. */
function rowOf(entry: LedgerEntry, level: StockLevel | undefined, loc: Location): NewTransaction {
  const plan = planMovement(entry, partsOf(level, loc.name));
  const before = level?.level ?? 0;
  return {
    itemId: entry.itemId,
    locationId: loc.id,
    type: entry.type,
    quantity: plan.delta,
    part: plan.part,
    counted: plan.counted,
    partAfter: plan.partAfter,
    transferId: entry.transferId ?? null,
    before,
    after: Math.round((before + plan.delta) * 1000) / 1000,
    userId: entry.userId,
    reason: entry.reason ?? null,
    sourceType: entry.sourceType,
    sourceId: entry.sourceId ?? null,
    ...(entry.at ? { at: entry.at } : {}),
  };
}

/**
 * One movement of one item at one location, inside the caller's transaction: the
 * row (which part it moves, by how much, the part's figure after), the level it
 * leaves, and that level's live 'stock' event.
 */
export async function enter(
  repositories: Repos,
  orgId: string,
  loc: Location,
  entry: LedgerEntry,
): Promise<{ transaction: Transaction; stock: PresentedStock }> {
  await repositories.stock.lock(orgId, loc.id, entry.itemId);
  const [current] = await repositories.stock.levels(orgId, loc.id, [entry.itemId]);
  // an item a camera watches here always has a level row (its slot puts it there)
  const transaction = await repositories.transactions.insert(orgId, rowOf(entry, current, loc));
  const [level] = await repositories.stock.levels(orgId, loc.id, [entry.itemId]);
  const stock = present(level!);
  await repositories.live.append(orgId, loc.venueId, 'stock', stock);
  return { transaction, stock };
}

/**
 * Several movements of distinct items at one location, as enter() makes each, in a few
 * statements whatever their number: the items locked in one sorted statement, their levels read
 * once, the rows and the live events inserted together. The level each row leaves is worked out
 * from the level before and the row as stored (levelAfter), not read back: the levels query was
 * the heaviest statement of a POS order, and it ran twice. Only an item levelAfter cannot answer
 * for (one with no level before, a row at the very millisecond of the part's newest) is read back.
 * The item locks are what concurrent sales of a busy bar queue on, so the fewer round trips they
 * are held across, the more sales a second the bar can take (issue #25: 28 orders/s).
 */
export async function enterMany(repositories: Repos, orgId: string, loc: Location, entries: LedgerEntry[]): Promise<PresentedStock[]> {
  const itemIds = entries.map((entry) => entry.itemId);
  if (new Set(itemIds).size !== itemIds.length) throw new Error('enterMany: one entry per item');
  if (!entries.length) return [];
  await repositories.stock.lockMany(orgId, loc.id, itemIds);
  const current = new Map((await repositories.stock.levels(orgId, loc.id, itemIds)).map((stockLevel) => [stockLevel.itemId, stockLevel]));
  const rows = new Map(entries.map((entry) => [entry.itemId, rowOf(entry, current.get(entry.itemId), loc)]));
  const written = await repositories.transactions.insertMany(orgId, [...rows.values()]);
  const after = new Map<string, StockLevel>();
  for (const w of written) {
    const before = current.get(w.itemId);
    const level = before && levelAfter(before, { ...rows.get(w.itemId)!, quantity: w.quantity, at: w.at });
    if (level) after.set(w.itemId, level);
  }
  const unknown = itemIds.filter((id) => !after.has(id));
  if (unknown.length)
    for (const stockLevel of await repositories.stock.levels(orgId, loc.id, unknown)) after.set(stockLevel.itemId, stockLevel);
  const stocks = itemIds.map((id) => present(after.get(id)!));
  await repositories.live.appendMany(stocks.map((data) => ({ orgId, venueId: loc.venueId, type: 'stock' as const, data })));
  return stocks;
}

/**
 * Where a delivery goes when nobody says: the venue's storage location (the first
 * active one by name). venueId may be left out when the organisation has one venue.
 */
export async function storageOf(repositories: Repos, orgId: string, venueId: string | undefined): Promise<Location> {
  let venue = venueId;
  if (!venue) {
    const venues = await repositories.venues.listVenues(orgId);
    if (venues.length !== 1) throw badRequest('say where it goes: a locationId, or the venueId whose storage takes it', 'locationId');
    venue = venues[0]!.id;
  } else if (!(await repositories.venues.getVenue(orgId, venue))) throw notFound('venue');
  const storage = storageAmong(await repositories.venues.listLocations(orgId, venue));
  if (!storage) throw badRequest('the venue has no storage location: say which location (locationId)', 'locationId');
  return storage;
}

/** A location of the caller's organisation, or a 404. */
export async function locationOf(repositories: Repos, orgId: string, id: string): Promise<Location> {
  const loc = await repositories.venues.getLocation(orgId, id);
  if (!loc) throw notFound('location');
  return loc;
}

import type { Db, Queryable } from '../db/types.js';
import { itemRecords, type InventoryService, type RecordedSales, type SaleDepletion } from '../inventory/index.js';
import { resolveLines } from '../recipes/index.js';
import type { Connection } from './connection.repository.js';
import { SaleRepository, type Ml, type SaleLine } from './sale.repository.js';
import type { PosOrder } from './adapters/types.js';

/** Bottle units to three places, as the ledger keeps them. */
const bottles = (ml: number, size: number) => Math.round((ml / size) * 1000) / 1000;

/**
 * Sales → the stock ledger. Each line remembers the millilitres already written for it, so
 * applying an order writes only the difference between what its lines should have poured
 * now and what was written: a repeat writes nothing, a void or refund writes the reversal,
 * and an order version older than one applied is ignored.
 */
export class SalesLedger {
  constructor(
    private readonly db: Db,
    private readonly inventory: InventoryService,
  ) {}

  /**
   * partial: the order may name only some of its lines (a CSV file cut mid-order), so a line
   * it does not name is left as it is instead of being reversed.
   * inJob: applied by a job of the queue, whose run is recorded after this commits. The commit
   * then does not wait for the disk (synchronous_commit off, about a flush per order less): the
   * job's record, committed after it, flushes the WAL through it, and a crash before that leaves
   * the job to run again, which writes only what is not written (test/pos/rerun.test.ts).
   */
  async applyOrder(
    conn: Connection,
    order: PosOrder,
    o: { partial?: boolean; inJob?: boolean } = {},
  ): Promise<{ stale: boolean; changedLines: number }> {
    const out = await this.db.transaction(async (tx) => {
      const repo = new SaleRepository(tx);
      const stored = await repo.lockOrder(conn.orgId, conn.id, order.orderId, { flushLater: o.inJob ?? false });
      if (stored !== undefined && order.version < stored) return { stale: true, changedLines: 0, recorded: new Map() as RecordedSales };
      const held = await repo.orderLines(
        conn.orgId,
        conn.id,
        order.orderId,
        order.lines.map((l) => l.uid),
      );
      const before = new Map(held.filter((l) => l.orderId === order.orderId).map((l) => [l.lineUid, l]));
      // a uid another order already holds (Square's line uids are unique within their order only) is kept apart by this order's id;
      // the order that held it first keeps it as it is, so lines stored before are found again unchanged
      const taken = new Set(held.filter((l) => l.orderId !== order.orderId).map((l) => l.lineUid));
      const uidOf = (uid: string) => (taken.has(uid) ? `${order.orderId}:${uid}` : uid);
      const lines: SaleLine[] = order.lines.map((l) => {
        const prev = before.get(uidOf(l.uid));
        return {
          lineUid: uidOf(l.uid),
          orderId: order.orderId,
          venueId: conn.venueId,
          menuKey: l.menuKey,
          menuName: l.menuName,
          modifiers: l.modifiers,
          quantity: order.canceled ? 0 : l.quantity,
          revenueCents: order.canceled ? 0 : l.revenueCents,
          soldAt: prev?.soldAt ?? l.soldAt ?? order.at,
          perUnit: prev?.perUnit ?? null,
          missing: prev?.missing ?? [],
          applied: prev?.applied ?? {},
        };
      });
      const named = new Set(lines.map((l) => l.lineUid));
      // a line gone from a newer version of the order was voided
      if (!o.partial) for (const [uid, prev] of before) if (!named.has(uid)) lines.push({ ...prev, quantity: 0, revenueCents: 0 });
      const sales: SaleDepletion[] = [];
      const { changedLines, save } = await this.settle(tx, conn, lines, sales);
      await repo.save(conn.orgId, conn.id, save, {
        orderId: order.orderId,
        version: Math.max(order.version, stored ?? 0),
        state: order.canceled ? 'canceled' : 'open',
      });
      const recorded = sales.length ? await this.inventory.recordSales(tx, conn.orgId, sales) : (new Map() as RecordedSales);
      return { stale: false, changedLines, recorded };
    });
    await this.inventory.salesCommitted(conn.orgId, out.recorded);
    return { stale: out.stale, changedLines: out.changedLines };
  }

  /** Lines that waited for a recipe, applied now that one was saved; those still unmapped keep waiting. */
  async applyWaiting(conn: Connection, lineUids: string[]): Promise<number> {
    let applied = 0;
    for (const uid of lineUids) {
      const recorded = await this.db.transaction(async (tx) => {
        const repo = new SaleRepository(tx);
        const line = await repo.line(conn.orgId, conn.id, uid);
        if (!line || line.perUnit) return undefined;
        await repo.lockOrder(conn.orgId, conn.id, line.orderId);
        const sales: SaleDepletion[] = [];
        await repo.save(conn.orgId, conn.id, (await this.settle(tx, conn, [line], sales)).save);
        if (line.perUnit) applied++;
        return sales.length ? this.inventory.recordSales(tx, conn.orgId, sales) : undefined;
      });
      if (recorded) await this.inventory.salesCommitted(conn.orgId, recorded);
    }
    return applied;
  }

  /**
   * Brings each line's written depletion to quantity × its recipe; how many changed, and the lines
   * to save (the caller saves them with its order, in one statement). The recipes and the bottle sizes are each
   * read once for all the lines: an order's statements are what a busy night waits on, not their size.
   */
  private async settle(
    tx: Queryable,
    conn: Connection,
    lines: SaleLine[],
    sales: SaleDepletion[],
  ): Promise<{ changedLines: number; save: SaleLine[] }> {
    const snapshot = (l: SaleLine) => JSON.stringify([l.quantity, l.revenueCents, l.perUnit, l.applied, l.missing, l.menuKey, l.modifiers]);
    const prev = lines.map(snapshot);
    // the recipe as it is when the line is first mapped stays the line's, so a later refund reverses exactly what was written
    const unmapped = lines.filter((l) => !l.perUnit);
    const resolved = unmapped.length ? await resolveLines(tx, conn.orgId, conn.venueId, unmapped) : [];
    unmapped.forEach((line, i) => {
      const res = resolved[i]!;
      if (res.mapped) [line.perUnit, line.missing] = [res.perUnit, []];
      else line.missing = res.missing;
    });
    const desired = lines.map((line) => {
      const want: Ml = {};
      if (line.perUnit) for (const [itemId, ml] of Object.entries(line.perUnit)) want[itemId] = ml * line.quantity;
      return want;
    });
    const moved = lines.map((line, i) =>
      [...new Set([...Object.keys(desired[i]!), ...Object.keys(line.applied)])].filter(
        (id) => (desired[i]![id] ?? 0) !== (line.applied[id] ?? 0),
      ),
    );
    const sizes = await itemRecords(tx).bottleSizes(conn.orgId, [...new Set(moved.flat())]);
    lines.forEach((line, i) => {
      for (const itemId of moved[i]!) {
        const want = desired[i]![itemId] ?? 0;
        const had = line.applied[itemId] ?? 0;
        const size = sizes.get(itemId);
        if (!size) throw new Error(`item ${itemId} has no bottle size: sale line ${line.lineUid} cannot be converted to bottles`);
        const delta = bottles(had, size) - bottles(want, size);
        if (delta === 0) continue;
        sales.push({
          itemId,
          locationId: conn.locationId,
          quantity: Math.round(delta * 1000) / 1000,
          sourceId: `${conn.id}:${line.lineUid}`,
          // a pour is dated when it was sold; a reversal when it is learnt
          at: delta < 0 ? line.soldAt : undefined,
          reason: `${line.menuName} × ${line.quantity}`,
        });
      }
      line.applied = desired[i]!;
    });
    const changed = lines.filter((l, i) => snapshot(l) !== prev[i]);
    // a line named twice in one order is written once, as it was last
    return { changedLines: changed.length, save: [...new Map(changed.map((l) => [l.lineUid, l])).values()] };
  }
}

import type { Db, Queryable } from '../db/types.js';
import { itemRecords, type InventoryService, type RecordedSales, type SaleDepletion } from '../inventory/index.js';
import { resolveLine } from '../recipes/index.js';
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
   */
  async applyOrder(conn: Connection, order: PosOrder, o: { partial?: boolean } = {}): Promise<{ stale: boolean; changedLines: number }> {
    const out = await this.db.transaction(async (tx) => {
      const repo = new SaleRepository(tx);
      const stored = await repo.lockOrder(conn.orgId, conn.id, order.orderId);
      if (stored !== undefined && order.version < stored) return { stale: true, changedLines: 0, recorded: new Map() as RecordedSales };
      const before = new Map((await repo.orderLines(conn.orgId, conn.id, order.orderId)).map((l) => [l.lineUid, l]));
      const lines: SaleLine[] = order.lines.map((l) => {
        const prev = before.get(l.uid);
        return {
          lineUid: l.uid,
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
      let changedLines = 0;
      for (const l of lines) if (await this.settle(tx, conn, l, sales)) changedLines++;
      await repo.setOrder(conn.orgId, conn.id, order.orderId, Math.max(order.version, stored ?? 0), order.canceled ? 'canceled' : 'open');
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
        await this.settle(tx, conn, line, sales);
        if (line.perUnit) applied++;
        return sales.length ? this.inventory.recordSales(tx, conn.orgId, sales) : undefined;
      });
      if (recorded) await this.inventory.salesCommitted(conn.orgId, recorded);
    }
    return applied;
  }

  /** Brings one line's written depletion to quantity × its recipe; true when anything about it changed. */
  private async settle(tx: Queryable, conn: Connection, line: SaleLine, sales: SaleDepletion[]): Promise<boolean> {
    const repo = new SaleRepository(tx);
    const prev = JSON.stringify([line.quantity, line.revenueCents, line.perUnit, line.applied, line.missing, line.menuKey, line.modifiers]);
    if (!line.perUnit) {
      // the recipe as it is when the line is first mapped stays the line's, so a later refund reverses exactly what was written
      const res = await resolveLine(tx, conn.orgId, conn.venueId, line);
      if (res.mapped) [line.perUnit, line.missing] = [res.perUnit, []];
      else line.missing = res.missing;
    }
    const desired: Ml = {};
    if (line.perUnit) for (const [itemId, ml] of Object.entries(line.perUnit)) desired[itemId] = ml * line.quantity;
    const items = itemRecords(tx);
    for (const itemId of new Set([...Object.keys(desired), ...Object.keys(line.applied)])) {
      const want = desired[itemId] ?? 0;
      const had = line.applied[itemId] ?? 0;
      if (want === had) continue;
      const size = (await items.get(conn.orgId, itemId))?.bottleSizeMl;
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
    line.applied = desired;
    const now = JSON.stringify([line.quantity, line.revenueCents, line.perUnit, line.applied, line.missing, line.menuKey, line.modifiers]);
    if (now === prev) return false;
    await repo.upsert(conn.orgId, conn.id, line);
    return true;
  }
}

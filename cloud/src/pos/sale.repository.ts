import type { Queryable } from '../db/types.js';

/** item id → millilitres */
export type Ml = Record<string, number>;
export interface Missing {
  kind: 'item' | 'modifier';
  key: string;
  name: string;
}
export interface SaleLine {
  lineUid: string;
  orderId: string;
  venueId: string;
  menuKey: string;
  menuName: string;
  modifiers: { key: string; name: string }[];
  quantity: number;
  revenueCents: number;
  soldAt: Date;
  perUnit: Ml | null;
  missing: Missing[];
  applied: Ml;
}

const COLS = `line_uid AS "lineUid", order_id AS "orderId", venue_id AS "venueId", menu_key AS "menuKey", menu_name AS "menuName",
  modifiers, quantity::float8 AS quantity, revenue_cents::float8 AS "revenueCents", sold_at AS "soldAt", per_unit AS "perUnit",
  missing, applied`;

/** Sale lines, the orders they came in, the unmapped queue and the share of sales mapped. */
export class SaleRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * Locks the order for this transaction (one statement: the insert, or the no-op update that locks the row); its
   * stored version, or undefined for a new order. flushLater: the transaction's commit does not wait for the WAL to
   * reach the disk (SET LOCAL synchronous_commit = off, in the same statement: one round trip less per order).
   */
  async lockOrder(
    orgId: string,
    connectionId: string,
    orderId: string,
    options: { flushLater?: boolean } = {},
  ): Promise<number | undefined> {
    const { rows } = await this.db.query<{ version: string }>(
      `INSERT INTO pos_orders (org_id, connection_id, order_id, version, state) VALUES ($1, $2, $3, -1, 'new')
       ON CONFLICT (connection_id, order_id) DO UPDATE SET version = pos_orders.version
       RETURNING version, CASE WHEN $4::boolean THEN set_config('synchronous_commit', 'off', true) END AS relaxed`,
      [orgId, connectionId, orderId, options.flushLater ?? false],
    );
    const version = Number(rows[0]!.version);
    return version < 0 ? undefined : version;
  }

  /**
   * The order's lines, and in the same statement any line of another order already holding one of
   * these uids (a POS whose line ids are unique only within their order: Square's are).
   */
  async orderLines(orgId: string, connectionId: string, orderId: string, uids: string[] = []): Promise<SaleLine[]> {
    const { rows } = await this.db.query<SaleLine>(
      `SELECT ${COLS} FROM pos_sale_lines WHERE org_id = $1 AND connection_id = $2 AND (order_id = $3 OR line_uid = ANY($4::text[]))`,
      [orgId, connectionId, orderId, uids],
    );
    return rows;
  }

  async line(orgId: string, connectionId: string, lineUid: string): Promise<SaleLine | undefined> {
    const { rows } = await this.db.query<SaleLine>(
      `SELECT ${COLS} FROM pos_sale_lines WHERE org_id = $1 AND connection_id = $2 AND line_uid = $3`,
      [orgId, connectionId, lineUid],
    );
    return rows[0];
  }

  /**
   * Inserts or updates the lines, and sets the order's version and state when given, in one
   * statement however many lines (an order's statements are what a busy night waits on).
   */
  async save(
    orgId: string,
    connectionId: string,
    lines: SaleLine[],
    order?: { orderId: string; version: number; state: string },
  ): Promise<void> {
    if (!lines.length && !order) return;
    const setOrder = `UPDATE pos_orders SET version = $15, state = $16, updated_at = now()
       WHERE org_id = $1 AND connection_id = $2 AND order_id = $17 AND $17 IS NOT NULL`;
    const col = <T>(f: (l: SaleLine) => T) => lines.map(f);
    await this.db.query(
      `WITH o AS (${setOrder})
       INSERT INTO pos_sale_lines (org_id, connection_id, line_uid, order_id, venue_id, menu_key, menu_name, modifiers, quantity,
         revenue_cents, sold_at, per_unit, missing, applied)
       SELECT $1, $2, u, o, v, k, n, m, q, r, t, p, x, a
       FROM unnest($3::text[], $4::text[], $5::uuid[], $6::text[], $7::text[], $8::jsonb[], $9::numeric[], $10::bigint[],
                   $11::timestamptz[], $12::jsonb[], $13::jsonb[], $14::jsonb[]) AS l(u, o, v, k, n, m, q, r, t, p, x, a)
       ON CONFLICT (connection_id, line_uid) DO UPDATE SET menu_key = EXCLUDED.menu_key, menu_name = EXCLUDED.menu_name,
         modifiers = EXCLUDED.modifiers, quantity = EXCLUDED.quantity, revenue_cents = EXCLUDED.revenue_cents,
         per_unit = EXCLUDED.per_unit, missing = EXCLUDED.missing, applied = EXCLUDED.applied`,
      [
        orgId,
        connectionId,
        col((l) => l.lineUid),
        col((l) => l.orderId),
        col((l) => l.venueId),
        col((l) => l.menuKey),
        col((l) => l.menuName),
        col((l) => JSON.stringify(l.modifiers)),
        col((l) => l.quantity),
        col((l) => Math.round(l.revenueCents)),
        col((l) => l.soldAt),
        col((l) => (l.perUnit ? JSON.stringify(l.perUnit) : null)),
        col((l) => JSON.stringify(l.missing)),
        col((l) => JSON.stringify(l.applied)),
        order?.version ?? null,
        order?.state ?? null,
        order?.orderId ?? null,
      ],
    );
  }

  /** Lines of the venue still waiting for a recipe, with their connection, oldest first. */
  async waiting(orgId: string, venueId: string, limit = 5000): Promise<(SaleLine & { connectionId: string })[]> {
    const { rows } = await this.db.query<SaleLine & { connectionId: string }>(
      `SELECT ${COLS}, connection_id AS "connectionId" FROM pos_sale_lines
       WHERE org_id = $1 AND venue_id = $2 AND per_unit IS NULL ORDER BY sold_at LIMIT $3`,
      [orgId, venueId, limit],
    );
    return rows;
  }

  /** What the recipes lack, by the sales waiting on each. */
  async unmapped(orgId: string, venueId: string) {
    const { rows } = await this.db.query<{
      kind: 'item' | 'modifier';
      posKey: string;
      name: string;
      lines: number;
      quantity: number;
      revenueCents: number;
    }>(
      `SELECT m->>'kind' AS kind, m->>'key' AS "posKey", max(m->>'name') AS name, count(*)::int AS lines,
              sum(l.quantity)::float8 AS quantity, sum(l.revenue_cents)::float8 AS "revenueCents"
       FROM pos_sale_lines l, jsonb_array_elements(l.missing) m
       WHERE l.org_id = $1 AND l.venue_id = $2 AND l.per_unit IS NULL
       GROUP BY 1, 2 ORDER BY sum(l.revenue_cents) DESC, count(*) DESC`,
      [orgId, venueId],
    );
    return rows;
  }

  async coverage(orgId: string, venueId: string, from: Date, to: Date) {
    const { rows } = await this.db.query<{ lines: number; mappedLines: number; revenueCents: number; mappedRevenueCents: number }>(
      `SELECT count(*)::int AS lines, count(*) FILTER (WHERE per_unit IS NOT NULL)::int AS "mappedLines",
              COALESCE(sum(revenue_cents), 0)::float8 AS "revenueCents",
              COALESCE(sum(revenue_cents) FILTER (WHERE per_unit IS NOT NULL), 0)::float8 AS "mappedRevenueCents"
       FROM pos_sale_lines WHERE org_id = $1 AND venue_id = $2 AND sold_at >= $3 AND sold_at < $4 AND quantity <> 0`,
      [orgId, venueId, from, to],
    );
    return rows[0]!;
  }

  /** The venue's sales by menu item over a period, busiest first: what the bar sold, before any recipe. */
  async byMenuItem(orgId: string, venueId: string, from: Date, to: Date) {
    const { rows } = await this.db.query<{
      posKey: string;
      name: string;
      lines: number;
      quantity: number;
      revenueCents: number;
      mapped: boolean;
    }>(
      `SELECT menu_key AS "posKey", max(menu_name) AS name, count(*)::int AS lines, sum(quantity)::float8 AS quantity,
              sum(revenue_cents)::float8 AS "revenueCents", bool_and(per_unit IS NOT NULL) AS mapped
       FROM pos_sale_lines WHERE org_id = $1 AND venue_id = $2 AND sold_at >= $3 AND sold_at < $4 AND quantity <> 0
       GROUP BY menu_key ORDER BY sum(revenue_cents) DESC, sum(quantity) DESC, menu_key`,
      [orgId, venueId, from, to],
    );
    return rows;
  }

  /**
   * Revenue of the venue's mapped sales per item and location (the connection's) over a period,
   * in cents. A line of several items (a cocktail) shares its revenue by each item's cost in it,
   * so every item of a drink carries the drink's pour cost; by ml where no cost is known.
   */
  async revenueByItem(orgId: string, venueId: string, from: Date, to: Date) {
    const { rows } = await this.db.query<{ itemId: string; locationId: string; revenueCents: number }>(
      `WITH parts AS (
         SELECT l.connection_id, l.line_uid, c.location_id, l.revenue_cents, i.id AS item_id, p.value::float8 AS ml,
                p.value::float8 * COALESCE(i.unit_cost::float8 / NULLIF(i.bottle_size_ml, 0), 0) AS cost
         FROM pos_sale_lines l
         JOIN pos_connections c ON c.id = l.connection_id
         CROSS JOIN LATERAL jsonb_each_text(l.per_unit) p
         JOIN items i ON i.org_id = l.org_id AND i.id = p.key::uuid
         WHERE l.org_id = $1 AND l.venue_id = $2 AND l.sold_at >= $3 AND l.sold_at < $4 AND l.per_unit IS NOT NULL
           AND l.revenue_cents <> 0
       ), shared AS (
         SELECT item_id, location_id, revenue_cents * CASE WHEN sum(cost) OVER w > 0 THEN cost / sum(cost) OVER w
                                                           ELSE ml / NULLIF(sum(ml) OVER w, 0) END AS cents
         FROM parts WINDOW w AS (PARTITION BY connection_id, line_uid)
       )
       SELECT item_id AS "itemId", location_id AS "locationId", COALESCE(sum(cents), 0)::float8 AS "revenueCents"
       FROM shared GROUP BY 1, 2`,
      [orgId, venueId, from, to],
    );
    return rows;
  }
}

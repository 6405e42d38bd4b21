import type { Queryable } from '../db/types.js';

export const TRANSACTION_TYPES = ['SALE', 'RECEIVE', 'WASTE', 'ADJUSTMENT', 'COUNT', 'TRANSFER'] as const;
export type TransactionType = (typeof TRANSACTION_TYPES)[number];
/** on_shelf rows count until the cameras next read the item there; off_camera rows add up for good. */
export type StockPart = 'on_shelf' | 'off_camera';
export type CountScope = StockPart | 'whole';

export interface Transaction {
  id: string;
  itemId: string;
  locationId: string;
  type: TransactionType;
  quantity: number;
  part: StockPart;
  counted: CountScope | null;
  /** the part's figure once this row applied */
  partAfter: number | null;
  transferId: string | null;
  before: number | null;
  after: number | null;
  userId: string | null;
  reason: string | null;
  sourceType: string | null;
  sourceId: string | null;
  at: Date;
}
export type NewTransaction = Omit<Transaction, 'id' | 'at'> & { at?: Date };

const COLS = `id, item_id AS "itemId", location_id AS "locationId", type, quantity, part, counted, part_after AS "partAfter",
  transfer_id AS "transferId", before, after, user_id AS "userId", reason, source_type AS "sourceType", source_id AS "sourceId", at`;

/** The stock ledger: every movement that is not a camera observation. */
export class TransactionRepository {
  constructor(private readonly db: Queryable) {}

  async insert(orgId: string, t: NewTransaction): Promise<Transaction> {
    const { rows } = await this.db.query<Transaction>(
      `INSERT INTO transactions (org_id, item_id, location_id, type, quantity, before, after, user_id, reason, source_type, source_id, at,
         part, counted, part_after, transfer_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, COALESCE($12, now()), $13, $14, $15, $16) RETURNING ${COLS}`,
      [
        orgId,
        t.itemId,
        t.locationId,
        t.type,
        t.quantity,
        t.before,
        t.after,
        t.userId,
        t.reason,
        t.sourceType,
        t.sourceId,
        t.at ?? null,
        t.part,
        t.counted,
        t.partAfter,
        t.transferId,
      ],
    );
    return rows[0]!;
  }

  /**
   * Several rows in one statement (a POS order's lines); each row's item, quantity and time as
   * stored come back (the ids do not), in no promised order.
   */
  async insertMany(orgId: string, ts: NewTransaction[]): Promise<{ itemId: string; quantity: number; at: Date }[]> {
    if (!ts.length) return [];
    const params: unknown[] = [];
    const rows = ts.map((t) => {
      const base = params.length;
      params.push(orgId, t.itemId, t.locationId, t.type, t.quantity, t.before, t.after, t.userId, t.reason, t.sourceType, t.sourceId);
      params.push(t.at ?? null, t.part, t.counted, t.partAfter, t.transferId);
      const placeholder = (i: number) => `$${base + i}`;
      return `(${[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map(placeholder).join(', ')}, COALESCE(${placeholder(12)}::timestamptz, now()), ${[13, 14, 15, 16].map(placeholder).join(', ')})`;
    });
    const { rows: written } = await this.db.query<{ itemId: string; quantity: number; at: Date }>(
      `INSERT INTO transactions (org_id, item_id, location_id, type, quantity, before, after, user_id, reason, source_type, source_id, at,
         part, counted, part_after, transfer_id)
       VALUES ${rows.join(',\n')}
       RETURNING item_id AS "itemId", quantity, at`,
      params as never,
    );
    return written;
  }

  async history(orgId: string, itemId: string, from: Date, to: Date, limit = 5000): Promise<Transaction[]> {
    const { rows } = await this.db.query<Transaction>(
      `SELECT ${COLS} FROM transactions WHERE org_id = $1 AND item_id = $2 AND at >= $3 AND at < $4 ORDER BY at LIMIT $5`,
      [orgId, itemId, from, to, limit],
    );
    return rows;
  }
}

import type { Queryable } from '../db/types.js';
import type { CsvColumns, CsvError, CsvSale } from './csv.js';

export interface CsvImport {
  id: string;
  connectionId: string;
  rows: (Omit<CsvSale, 'soldAt'> & { soldAt: string })[];
  errors: CsvError[];
  confirmedAt: Date | null;
}

/** Column mappings per venue and uploaded files waiting to be confirmed. */
export class CsvRepository {
  constructor(private readonly db: Queryable) {}

  async saveMapping(orgId: string, venueId: string, columns: CsvColumns) {
    const { rows } = await this.db.query<{ venueId: string; columns: CsvColumns; updatedAt: Date }>(
      `INSERT INTO pos_csv_mappings (org_id, venue_id, columns) VALUES ($1, $2, $3)
       ON CONFLICT (org_id, venue_id) DO UPDATE SET columns = $3, updated_at = now()
       RETURNING venue_id AS "venueId", columns, updated_at AS "updatedAt"`,
      [orgId, venueId, JSON.stringify(columns)],
    );
    return rows[0]!;
  }

  async mapping(orgId: string, venueId: string) {
    const { rows } = await this.db.query<{ venueId: string; columns: CsvColumns; updatedAt: Date }>(
      `SELECT venue_id AS "venueId", columns, updated_at AS "updatedAt" FROM pos_csv_mappings WHERE org_id = $1 AND venue_id = $2`,
      [orgId, venueId],
    );
    return rows[0];
  }

  async createImport(orgId: string, connectionId: string, rows: CsvSale[], errors: CsvError[]): Promise<string> {
    const { rows: r } = await this.db.query<{ id: string }>(
      `INSERT INTO pos_csv_imports (org_id, connection_id, rows, errors) VALUES ($1, $2, $3, $4) RETURNING id`,
      [orgId, connectionId, JSON.stringify(rows), JSON.stringify(errors)],
    );
    return r[0]!.id;
  }

  async getImport(orgId: string, id: string): Promise<CsvImport | undefined> {
    const { rows } = await this.db.query<CsvImport>(
      `SELECT id, connection_id AS "connectionId", rows, errors, confirmed_at AS "confirmedAt" FROM pos_csv_imports WHERE org_id = $1 AND id = $2`,
      [orgId, id],
    );
    return rows[0];
  }

  async confirmed(orgId: string, id: string): Promise<void> {
    await this.db.query(`UPDATE pos_csv_imports SET confirmed_at = COALESCE(confirmed_at, now()) WHERE org_id = $1 AND id = $2`, [
      orgId,
      id,
    ]);
  }
}

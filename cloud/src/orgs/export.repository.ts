import type { Queryable } from '../db/types.js';

export interface ExportRow {
  id: string;
  tables: number | null;
  rows: number | null;
  files: number | null;
  fileBytes: number | null;
  createdAt: Date;
  finishedAt: Date | null;
}

/** A row that names a file: its table, its place in that table's list (the CSV's row), its id and the column. */
export interface FileRef {
  table: string;
  row: number;
  id: string | null;
  column: string;
}
/** The files of an export: each blob of the organisation and the rows naming it; rows whose file is gone (retention). */
export interface ExportManifest {
  files: { key: string; path: string; size: number; lastModified: string; rows: FileRef[] }[];
  rowsWithoutFile: (FileRef & { key: string })[];
}

/** Tables an export leaves out: credentials, sign-ins in flight, and the exports themselves. */
const SKIP_TABLES = new Set(['refresh_tokens', 'oidc_logins', 'org_exports', 'migrations', 'schema_migrations']);
/** Columns an export leaves out: hashes and sealed secrets are not the bar's data, and would help an attacker. */
const SKIP_COLUMN = /(^|_)(hash|sealed|secret|password)(_|$)|_hash$/;

/** An organisation's exports, and the reads that gather all of its data. */
export class ExportRepository {
  constructor(private readonly db: Queryable) {}

  async create(orgId: string, id: string, requestedBy: string): Promise<void> {
    await this.db.query('INSERT INTO org_exports (id, org_id, requested_by) VALUES ($1, $2, $3)', [id, orgId, requestedBy]);
  }

  async get(orgId: string, id: string): Promise<ExportRow | undefined> {
    const { rows } = await this.db.query<ExportRow>(
      `SELECT id, tables, rows, files, file_bytes::float8 AS "fileBytes", created_at AS "createdAt", finished_at AS "finishedAt"
       FROM org_exports WHERE org_id = $1 AND id = $2`,
      [orgId, id],
    );
    return rows[0];
  }

  async file(orgId: string, id: string, format: 'json' | 'csv'): Promise<string | null | undefined> {
    const { rows } = await this.db.query<{ body: string | null }>(
      `SELECT ${format === 'json' ? 'json' : 'csv'} AS body FROM org_exports WHERE org_id = $1 AND id = $2`,
      [orgId, id],
    );
    return rows[0]?.body;
  }

  /** The whole finished export for the archive: both documents and the files' manifest; null while not finished. */
  async archive(orgId: string, id: string): Promise<{ json: string; csv: string; manifest: ExportManifest } | null | undefined> {
    const { rows } = await this.db.query<{ json: string | null; csv: string; manifest: ExportManifest | null }>(
      'SELECT json, csv, manifest FROM org_exports WHERE org_id = $1 AND id = $2',
      [orgId, id],
    );
    const row = rows[0];
    if (!row) return undefined;
    // an export finished before migration 241 has no manifest: it had no files
    return row.json === null ? null : { json: row.json, csv: row.csv, manifest: row.manifest ?? { files: [], rowsWithoutFile: [] } };
  }

  async finish(
    orgId: string,
    id: string,
    e: { json: string; csv: string; tables: number; rows: number; manifest: ExportManifest; fileBytes: number },
  ): Promise<void> {
    await this.db.query(
      `UPDATE org_exports SET json = $3, csv = $4, tables = $5, rows = $6, manifest = $7, files = $8, file_bytes = $9, finished_at = now()
       WHERE org_id = $1 AND id = $2`,
      [orgId, id, e.json, e.csv, e.tables, e.rows, JSON.stringify(e.manifest), e.manifest.files.length, e.fileBytes],
    );
  }

  async prune(olderThanDays: number): Promise<number> {
    const { rowCount } = await this.db.query('DELETE FROM org_exports WHERE created_at < now() - make_interval(days => $1)', [
      olderThanDays,
    ]);
    return rowCount;
  }

  /**
   * Every table of this schema with an org_id column and the columns an export keeps. Read from the
   * catalogue, so a table a later migration adds is exported without a change here.
   */
  async orgTables(): Promise<{ table: string; columns: string[] }[]> {
    const { rows } = await this.db.query<{ table_name: string; column_name: string; data_type: string }>(
      `SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
       WHERE c.table_schema = current_schema()
         AND c.table_name IN (SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'org_id')
       ORDER BY c.table_name, c.ordinal_position`,
    );
    const tables = new Map<string, string[]>();
    for (const row of rows) {
      if (SKIP_TABLES.has(row.table_name) || SKIP_COLUMN.test(row.column_name)) continue;
      // binary (photos, crops) is told by its size: the export is text
      const col = row.data_type === 'bytea' ? `octet_length("${row.column_name}") AS "${row.column_name}_bytes"` : `"${row.column_name}"`;
      tables.set(row.table_name, [...(tables.get(row.table_name) ?? []), col]);
    }
    return [...tables].map(([table, columns]) => ({ table, columns }));
  }

  /** One table's rows of the organisation; the names come from the catalogue (orgTables), never from a request. */
  async rowsOf(t: { table: string; columns: string[] }, orgId: string): Promise<Record<string, unknown>[]> {
    const { rows } = await this.db.query<Record<string, unknown>>(`SELECT ${t.columns.join(', ')} FROM "${t.table}" WHERE org_id = $1`, [
      orgId,
    ]);
    return rows;
  }

  /** The people of the organisation (users carry no org_id: membership makes them the organisation's). */
  async people(orgId: string): Promise<Record<string, unknown>[]> {
    const { rows } = await this.db.query<Record<string, unknown>>(
      `SELECT u.id, u.email, u.name, m.role, u.created_at, m.created_at AS member_since
       FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.org_id = $1 ORDER BY u.email`,
      [orgId],
    );
    return rows;
  }
}

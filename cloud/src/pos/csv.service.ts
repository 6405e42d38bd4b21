import type { Db } from '../db/types.js';
import { venueRecords } from '../venues/index.js';
import type { Actor } from '../plugins/http.js';
import { AppError, badRequest, notFound } from '../errors.js';
import { CsvRepository } from './csv.repository.js';
import { readSales, REQUIRED_FIELDS, type CsvColumns } from './csv.js';
import type { PosService } from './pos.service.js';
import type { SalesLedger } from './sales.js';
import type { PosOrder } from './adapters/types.js';

const PREVIEW_ROWS = 20;

/** Sales from any POS's CSV export: mapped columns, a preview with each bad row named, then import on confirmation. */
export class CsvImportService {
  constructor(
    private readonly db: Db,
    private readonly pos: PosService,
    private readonly ledger: SalesLedger,
  ) {}

  async saveMapping(a: Actor, venueId: string, columns: CsvColumns) {
    for (const f of REQUIRED_FIELDS) if (!columns[f]) throw badRequest(`map a column to ${f}`, `columns.${f}`);
    if (!(await venueRecords(this.db).getVenue(a.orgId, venueId))) throw notFound('venue');
    return new CsvRepository(this.db).saveMapping(a.orgId, venueId, columns);
  }

  async mapping(orgId: string, venueId: string) {
    const m = await new CsvRepository(this.db).mapping(orgId, venueId);
    if (!m) throw notFound('CSV column mapping of this venue');
    return m;
  }

  /** Parses and keeps the file; nothing reaches the ledger until confirm(). */
  async upload(a: Actor, connectionId: string, text: unknown) {
    const conn = await this.pos.connection(a.orgId, connectionId);
    if (typeof text !== 'string') throw new AppError(415, 'unsupported_media_type', 'send the file as text/csv', 'body');
    const mapping = await new CsvRepository(this.db).mapping(a.orgId, conn.venueId);
    if (!mapping) throw badRequest('save the CSV column mapping of this venue first (PUT /api/v1/pos/csv/mapping)', 'columns');
    const venue = await venueRecords(this.db).getVenue(a.orgId, conn.venueId);
    const { rows, errors } = readSales(text, mapping.columns, { timeZone: venue?.timezone ?? 'UTC' });
    const importId = await new CsvRepository(this.db).createImport(a.orgId, conn.id, rows, errors);
    return {
      importId,
      goodRows: rows.length,
      badRows: new Set(errors.map((error) => error.line)).size,
      errors,
      preview: rows.slice(0, PREVIEW_ROWS),
      confirmUrl: `/api/v1/pos/imports/${importId}/confirm`,
    };
  }

  /** Writes the good rows; a row imported before (same line) changes nothing. */
  async confirm(a: Actor, importId: string) {
    const repo = new CsvRepository(this.db);
    const imp = await repo.getImport(a.orgId, importId);
    if (!imp) throw notFound('CSV import');
    const conn = await this.pos.connection(a.orgId, imp.connectionId);
    const orders = new Map<string, PosOrder>();
    for (const row of imp.rows) {
      const soldAt = new Date(row.soldAt);
      const order = orders.get(row.orderId) ?? { orderId: row.orderId, version: 0, canceled: false, at: soldAt, lines: [] };
      order.lines.push({
        uid: row.lineUid,
        menuKey: row.item,
        menuName: row.item,
        modifiers: row.modifiers.map((m) => ({ key: m, name: m })),
        quantity: row.quantity,
        revenueCents: row.revenueCents,
        soldAt,
      });
      orders.set(row.orderId, order);
    }
    let imported = 0;
    // a file may hold part of an order: lines it does not name are left as they are
    for (const order of orders.values()) imported += (await this.ledger.applyOrder(conn, order, { partial: true })).changedLines;
    await repo.confirmed(a.orgId, importId);
    return { importId, imported, unchanged: imp.rows.length - imported };
  }
}

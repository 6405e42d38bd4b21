import { DEVICE_ID_PATTERN } from '@smartstock/protocol';
import { parseCsv, type CsvRecord } from './csv.js';
import { deviceIdFrom } from '../devices/device-id.js';

/** The devices file: a header row naming the columns, then one device per row. */
export const FLEET_COLUMNS = { required: ['venue', 'name'], optional: ['id'] } as const;

export interface FleetRow {
  line: number;
  id: string;
  venueId: string;
  name: string;
}

export interface BadRow {
  line: number;
  column: string;
  message: string;
}

export class FleetFileError extends Error {}

/** Splits the file into rows to create and rows to report; only a broken header stops everything. */
export function readFleetRows(text: string): { rows: FleetRow[]; bad: BadRow[] } {
  let parsed: CsvRecord[];
  try {
    parsed = parseCsv(text);
  } catch (e) {
    // csv-parse names the line where it gave up, e.g. a quote never closed
    throw new FleetFileError((e as Error).message);
  }
  const [header, ...records] = parsed;
  if (!header) throw new FleetFileError('the file is empty: expected a header row "id,venue,name"');
  const names = header.cells.map((c) => c.trim().toLowerCase());
  const known: readonly string[] = [...FLEET_COLUMNS.required, ...FLEET_COLUMNS.optional];
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length)
    throw new FleetFileError(`line ${header.line}: unknown column(s) ${unknown.join(', ')}; expected ${known.join(', ')}`);
  const missing = FLEET_COLUMNS.required.filter((c) => !names.includes(c));
  if (missing.length) throw new FleetFileError(`line ${header.line}: missing column(s) ${missing.join(', ')}`);

  const rows: FleetRow[] = [];
  const bad: BadRow[] = [];
  const seen = new Map<string, number>();
  for (const record of records) {
    const get = (col: string) => (names.includes(col) ? (record.cells[names.indexOf(col)] ?? '').trim() : '');
    const problem = (column: string, message: string) => bad.push({ line: record.line, column, message });
    if (record.cells.length !== names.length) {
      problem('(row)', `has ${record.cells.length} cells, the header has ${names.length}`);
      continue;
    }
    const venueId = get('venue');
    const name = get('name');
    if (!venueId) {
      problem('venue', 'is empty');
      continue;
    }
    if (!name || name.length > 120) {
      problem('name', name ? 'is longer than 120 characters' : 'is empty');
      continue;
    }
    const id = get('id') || deviceIdFrom(venueId, name);
    if (!DEVICE_ID_PATTERN.test(id)) {
      problem('id', `${JSON.stringify(id)} is not a thing name: 1-128 of letters, digits, ":", "_", "-"`);
      continue;
    }
    const first = seen.get(id);
    if (first !== undefined) {
      problem('id', `${id} already appears on line ${first}`);
      continue;
    }
    seen.set(id, record.line);
    rows.push({ line: record.line, id, venueId, name });
  }
  return { rows, bad };
}

import { parse } from 'csv-parse/sync';

/**
 * RFC 4180 through csv-parse, keeping each record's line number so a bad row is reported where
 * the installer's spreadsheet shows it. Line breaks are made "\n" first so that number is the
 * one an editor shows; a BOM (spreadsheets like to add one) is dropped. An unclosed quote throws.
 */
export interface CsvRecord {
  line: number;
  cells: string[];
}

export function parseCsv(text: string): CsvRecord[] {
  const records = parse(text.replace(/\r\n?/g, '\n'), {
    bom: true,
    info: true,
    record_delimiter: '\n',
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
  }) as unknown as { record: string[]; info: { lines: number } }[];
  // info.lines is the line the record ends on; its quoted line breaks say how far back it started
  return records
    .filter(({ record }) => record.length > 1 || record[0]!.trim() !== '')
    .map(({ record, info }) => ({ line: info.lines - record.join('').split('\n').length + 1, cells: record }));
}

import { parse } from 'csv-parse/sync';

export interface CsvRecord {
  /** the file's line number where the record starts (the header is line 1) */
  line: number;
  cells: string[];
}

/**
 * RFC 4180 through csv-parse (cells separated by `delimiter`, a comma unless told). Line breaks are made "\n" first so a record's line is the one an
 * editor shows, whichever breaks the file (or a quoted cell) uses. An unclosed quote throws.
 */
export function parseCsv(text: string, options: { delimiter?: string } = {}): CsvRecord[] {
  const records = parse(text.replace(/\r\n?/g, '\n'), {
    bom: true,
    delimiter: options.delimiter ?? ',',
    info: true,
    record_delimiter: '\n',
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
  }) as unknown as { record: string[]; info: { lines: number } }[];
  // info.lines is the line the record ends on; its quoted line breaks say how far back it started
  return records.map(({ record, info }) => ({ line: info.lines - record.join('').split('\n').length + 1, cells: record }));
}

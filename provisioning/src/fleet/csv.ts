import { parseCsv as parseCsvRecords, type CsvRecord } from '@smartstock/runtime';

export type { CsvRecord };

/** The devices file's records, each with its line; a line of only spaces is no device. */
export function parseCsv(text: string): CsvRecord[] {
  return parseCsvRecords(text).filter((record) => record.cells.length > 1 || record.cells[0]!.trim() !== '');
}

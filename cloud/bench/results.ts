import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

/** One figure of bench-results/cloud.json, with the command that measures it. */
export interface Figure {
  figure: string;
  value: number;
  unit?: string;
  target?: string;
  command: string;
}

/**
 * Puts a bench's figures into bench-results/cloud.json in place of its earlier ones (those whose
 * name starts with `prefix`), beside the other benches'; the ingest bench writes the file first.
 */
export function writeFigures(prefix: string, figures: Figure[]): void {
  const dir = new URL('../../bench-results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = new URL('cloud.json', dir);
  const before = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { rows: { figure: string }[] }).rows : [];
  writeFileSync(file, JSON.stringify({ rows: [...before.filter((r) => !r.figure.startsWith(prefix)), ...figures] }, null, 2) + '\n');
}

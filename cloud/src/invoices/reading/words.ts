/** A piece of text on a page with its box in page units, top-left origin (PDF text items and OCR words alike). */
export interface Word {
  text: string;
  x: number;
  y: number;
  w: number;
  h: number;
  page: number;
}

/** A printed line: the words sharing a baseline, left to right, merged into cells where the gap is wide. */
export interface Row {
  page: number;
  y: number;
  cells: Cell[];
  text: string;
}
export interface Cell {
  text: string;
  x0: number;
  x1: number;
}

/**
 * Groups words into rows by their vertical centre and each row into cells: words closer than about
 * a character's width join one cell. Layout-free, so it serves PDF text layers and OCR words alike.
 */
export function rowsOf(words: Word[]): Row[] {
  const rows: Row[] = [];
  const sorted = words.filter((w) => w.text.trim()).sort((a, b) => a.page - b.page || a.y + a.h / 2 - (b.y + b.h / 2));
  let group: Word[] = [];
  const flush = () => {
    if (group.length) rows.push(rowOf(group));
    group = [];
  };
  for (const w of sorted) {
    const g = group[0];
    if (g) {
      const mid = group.reduce((s, x) => s + x.y + x.h / 2, 0) / group.length;
      const h = group.reduce((s, x) => Math.max(s, x.h), 0);
      if (w.page !== g.page || Math.abs(w.y + w.h / 2 - mid) > Math.max(h, w.h) * 0.45) flush();
    }
    group.push(w);
  }
  flush();
  return rows;
}

function rowOf(words: Word[]): Row {
  words.sort((a, b) => a.x - b.x);
  const h = words.reduce((s, w) => s + w.h, 0) / words.length;
  const cells: Cell[] = [];
  for (const w of words) {
    const last = cells.at(-1);
    // a character is about half the text height wide: a gap of more than ~1.6 characters starts a new cell
    if (last && w.x - last.x1 < h * 0.8) {
      last.text += (w.x - last.x1 > h * 0.12 ? ' ' : '') + w.text.trim();
      last.x1 = Math.max(last.x1, w.x + w.w);
    } else cells.push({ text: w.text.trim(), x0: w.x, x1: w.x + w.w });
  }
  return {
    page: words[0]!.page,
    y: words.reduce((s, w) => s + w.y, 0) / words.length,
    cells,
    text: cells.map((c) => c.text).join('  '),
  };
}

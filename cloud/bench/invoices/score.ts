import type { Truth } from './layouts.js';

export interface Predicted {
  supplier: string | null;
  invoiceNumber: string | null;
  invoiceDate: string | null;
  lines: { description: string; quantity: number; unitPrice: number | null; total: number | null; itemId: string | null }[];
}
export interface Score {
  tp: number;
  predicted: number;
  truth: number;
  itemsRight: number;
  supplier: number;
  number: number;
  date: number;
}

const words = (s: string) =>
  new Set(
    s
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((w) => w.length > 1),
  );

/**
 * A read line is right when its quantity, unit price and total are the printed ones and at least half of the
 * printed description's words are in it; each printed line is claimed once.
 */
export function score(truth: Truth, got: Predicted, supplier: string | null): Score {
  const left = [...truth.lines];
  let tp = 0;
  let itemsRight = 0;
  for (const l of got.lines) {
    const i = left.findIndex((t) => {
      const w = words(t.description);
      const g = words(l.description);
      const shared = [...w].filter((x) => g.has(x)).length;
      return (
        t.quantity === l.quantity &&
        Math.abs(t.unitPrice - (l.unitPrice ?? -1)) < 0.006 &&
        Math.abs(t.total - (l.total ?? -1)) < 0.006 &&
        shared >= w.size / 2
      );
    });
    if (i < 0) continue;
    tp++;
    if (left[i]!.key === l.itemId) itemsRight++;
    left.splice(i, 1);
  }
  const norm = (s: string | null) => (s ?? '').toUpperCase().replace(/\s+/g, '');
  return {
    tp,
    predicted: got.lines.length,
    truth: truth.lines.length,
    itemsRight,
    supplier: got.supplier === supplier ? 1 : 0,
    number: norm(got.invoiceNumber) === norm(truth.invoiceNumber) ? 1 : 0,
    date: got.invoiceDate === truth.invoiceDate ? 1 : 0,
  };
}

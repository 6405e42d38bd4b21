import Fuse from 'fuse.js';

export interface Candidate {
  itemId: string;
  name: string;
  sku?: string | null | undefined;
  /** this supplier's code for the item, when the supplier sells it */
  supplierCode?: string | null | undefined;
}
export interface Match {
  itemId: string | null;
  by: 'code' | 'name' | null;
  /** 0-1: 1 for a code; for a name, the share of the item's name words found in the line */
  score: number;
}

/** Codes compared as OCR sees them: S, 5 and $ are one letter, as are O and 0, I, l and 1, B and 8, Z and 2. */
const code = (s: string) =>
  s
    .toUpperCase()
    .replace(/[$5]/g, 'S')
    .replace(/O/g, '0')
    .replace(/[IL|]/g, '1')
    .replace(/B/g, '8')
    .replace(/Z/g, '2')
    .replace(/[^A-Z0-9]/g, '');
const tokens = (s: string) =>
  s
    .toLowerCase()
    .replace(/(\d)\s+(ml|cl|l|ltr|litre|liter)\b/g, '$1$2')
    .split(/[^a-z0-9.']+/)
    .map((t) => t.replace(/^'+|'+$/g, ''))
    .filter((t) => t.length > 1 || /\d/.test(t));

/** Edit distance at most 1 per 5 letters: OCR's dropped or swapped letter still matches. */
function near(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 2 || Math.min(a.length, b.length) < 4) return false;
  const distances = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = distances[0]!;
    distances[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = distances[j]!;
      distances[j] = Math.min(distances[j]! + 1, distances[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = above;
    }
  }
  return distances[b.length]! <= Math.floor(Math.max(a.length, b.length) / 5);
}

/**
 * Lines to items: the supplier's item code (or the SKU) first, exactly; otherwise fuzzy names, where
 * fuse.js short-lists items sharing words with the line and the item whose name words are most
 * present in it wins (at least 60% of them, ties to the shorter name's rival going to the longer).
 */
export class ItemMatcher {
  private readonly byCode = new Map<string, string>();
  private readonly fuse: Fuse<Candidate & { words: string }>;

  constructor(private readonly candidates: Candidate[]) {
    for (const c of candidates) {
      if (c.sku) this.byCode.set(code(c.sku), c.itemId);
    }
    // the supplier's codes win over SKUs that happen to look the same
    for (const c of candidates) if (c.supplierCode) this.byCode.set(code(c.supplierCode), c.itemId);
    this.fuse = new Fuse(
      candidates.map((c) => ({ ...c, words: tokens(c.name).join(' ') })),
      { keys: ['words'], includeScore: true, ignoreLocation: true, threshold: 0.5, useExtendedSearch: true },
    );
  }

  match(line: { description: string; supplierCode: string | null }): Match {
    const codes = [line.supplierCode, ...line.description.split(/\s+/).slice(0, 1)].filter((c): c is string => !!c && /\d/.test(c));
    for (const c of codes) {
      const id = this.byCode.get(code(c));
      if (id) return { itemId: id, by: 'code', score: 1 };
    }
    const words = tokens(line.description);
    if (!words.length) return { itemId: null, by: null, score: 0 };
    const query = words.filter((w) => w.length > 2);
    const short = query.length ? this.fuse.search({ $or: query.map((q) => ({ words: q })) }, { limit: 25 }) : [];
    let best: Match = { itemId: null, by: null, score: 0 };
    let bestLen = 0;
    for (const candidate of short.length ? short.map((result) => result.item) : this.candidates) {
      const name = tokens(candidate.name);
      if (!name.length) continue;
      const found = name.filter((n) => words.some((w) => near(w, n))).length;
      const score = found / name.length;
      if (score > best.score + 1e-9 || (Math.abs(score - best.score) < 1e-9 && found > bestLen)) {
        best = { itemId: candidate.itemId, by: 'name', score: Math.round(score * 100) / 100 };
        bestLen = found;
      }
    }
    return best.score >= 0.6 ? best : { itemId: null, by: null, score: best.score };
  }
}

// Text as the matcher compares it: no accents, no apostrophes, lower case, single spaces.
// "Patrón", "patron" and "PATRON" are the same; "Tito's" and "titos" too.

export function normalize(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’‘`´]/g, '')
    .replace(/[^\p{L}\p{N}./]+/gu, ' ')
    .replace(/(^|\s)\.+|\.+(\s|$)/g, ' ')
    .trim()
    .replace(/\s+/g, ' ');
}

export function tokens(s: string): string[] {
  const n = normalize(s);
  if (!n) return [];
  // "tito s" (a possessive typed with a space) reads as "titos"
  const out: string[] = [];
  for (const t of n.split(' ')) {
    if (t === 's' && out.length) out[out.length - 1] += 's';
    else out.push(t);
  }
  return out;
}

/** edit distance, capped: beyond `max` the exact figure does not matter */
export function distance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      best = Math.min(best, v);
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

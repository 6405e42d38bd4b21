// Quantities as people say them behind a bar: "2", "two", "half", "a", "one and a half", "1/2", "2.5".

const WORDS: Record<string, number> = {
  zero: 0,
  no: 0,
  none: 0,
  a: 1,
  an: 1,
  one: 1,
  single: 1,
  two: 2,
  couple: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  dozen: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
};
const FRACTIONS: Record<string, number> = { half: 0.5, quarter: 0.25, third: 1 / 3, quarters: 0.25, thirds: 1 / 3 };

export interface ParsedNumber {
  value: number;
  /** how many tokens it used */
  used: number;
}

function single(t: string | undefined): number | undefined {
  if (t === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  if (/^\d+\/\d+$/.test(t)) {
    const [n, d] = t.split('/').map(Number) as [number, number];
    return d ? n / d : undefined;
  }
  return WORDS[t];
}

/**
 * Reads a quantity at the start of `ts`. Handles "two", "twenty five", "half", "a half",
 * "one and a half", "three quarters", "2 1/2"; returns undefined when there is none.
 */
export function parseNumber(ts: string[]): ParsedNumber | undefined {
  let i = 0;
  let value: number | undefined;
  const first = ts[0];
  if (first && FRACTIONS[first] !== undefined && first !== 'quarters' && first !== 'thirds') {
    return { value: FRACTIONS[first]!, used: 1 };
  }
  // "a dozen", "a couple of"
  if ((first === 'a' || first === 'an') && (ts[1] === 'dozen' || ts[1] === 'couple')) return { value: WORDS[ts[1]]!, used: 2 };
  value = single(first);
  if (value === undefined) return undefined;
  i = 1;
  // "twenty five"
  if (value >= 20 && value % 10 === 0) {
    const unit = single(ts[1]);
    if (unit !== undefined && unit > 0 && unit < 10 && /^[a-z]+$/.test(ts[1]!)) {
      value += unit;
      i = 2;
    }
  }
  // "a half", "three quarters"
  const frac = ts[i];
  if (frac && FRACTIONS[frac] !== undefined && value > 0 && value < 10) {
    return { value: frac === 'half' ? 0.5 * (first === 'a' || first === 'an' ? 1 : value) : FRACTIONS[frac]! * value, used: i + 1 };
  }
  // "one and a half", "2 and a quarter"
  if (ts[i] === 'and' && (ts[i + 1] === 'a' || ts[i + 1] === 'an') && ts[i + 2] && FRACTIONS[ts[i + 2]!] !== undefined) {
    return { value: value + FRACTIONS[ts[i + 2]!]!, used: i + 3 };
  }
  // "2 1/2"
  const next = ts[i];
  if (next && /^\d+\/\d+$/.test(next)) {
    const f = single(next)!;
    if (f < 1) return { value: value + f, used: i + 1 };
  }
  return { value, used: i };
}

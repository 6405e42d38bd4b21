// Plain words for the forecast accuracy table: each backtest figure as a manager reads it,
// and one sentence per series on whether the forecast beats the two simple guesses.
import type { ForecastAccuracy, ForecastScore } from './types';

/** One method's figures, per series or pooled: the fields both shapes share. */
export type Figures = Pick<ForecastScore, 'mase' | 'wape' | 'bias' | 'cover80' | 'cover95'>;

const dash = '–';
export const maseText = (v: number | null | undefined) => (v === null || v === undefined ? dash : v.toFixed(2));
export const pctText = (v: number | null | undefined) => (v === null || v === undefined ? dash : `${Math.round(v * 100)} %`);
/** "+0.4", "−1.2", "0.0": units a day, signed so that over-forecasting reads as a plus */
export function biasText(v: number | null | undefined): string {
  if (v === null || v === undefined) return dash;
  const r = Math.round(v * 10) / 10;
  if (r === 0) return '0.0';
  return `${r > 0 ? '+' : '−'}${Math.abs(r).toFixed(1)}`;
}

/** The rows of the small table, in the order they are explained. */
export const ROWS: { key: keyof Figures; label: string; text: (v: number | null | undefined) => string }[] = [
  { key: 'mase', label: 'MASE', text: maseText },
  { key: 'wape', label: 'WAPE', text: pctText },
  { key: 'bias', label: 'Bias a day', text: biasText },
  { key: 'cover80', label: 'In 80 % range', text: pctText },
  { key: 'cover95', label: 'In 95 % range', text: pctText },
];

/** An 80 or 95 % range is honest when the share of days inside it is near its level: ±5 and ±3 points. */
export function coverageOk(v: number | null | undefined, level: 0.8 | 0.95): boolean | undefined {
  if (v === null || v === undefined) return undefined;
  return Math.abs(v - level) <= (level === 0.8 ? 0.05 : 0.03);
}

/** "18 % smaller errors than …" / "about as accurate as …" / "12 % larger errors than …" */
function against(chosen: number, base: number | null | undefined, name: string): string | undefined {
  if (base === null || base === undefined) return undefined;
  const change = base === 0 ? (chosen === 0 ? 0 : -Infinity) : Math.round((1 - chosen / base) * 100);
  if (Math.abs(change) < 3) return `about as accurate as “${name}”`;
  if (chosen === 0) return `exact where “${name}” was off`;
  if (!Number.isFinite(change)) return `larger errors than “${name}”, which was exact`;
  return change > 0 ? `${change} % smaller errors than “${name}”` : `${-change} % larger errors than “${name}”`;
}

/**
 * One sentence on a series (or the pooled line): how the chosen forecast's error compares
 * with the simple guesses'. Give one error measure for all three: a series' MAE (its
 * ratios are the MASE's, and it exists where sales repeated exactly and MASE does not), or
 * the pooled MASE. Undefined for the chosen: no backtest.
 */
export function verdict(
  chosen: number | null | undefined,
  seasonalNaive: number | null | undefined,
  naive: number | null | undefined,
): string {
  if (chosen === null || chosen === undefined) return 'Too little sales history to test the forecast yet.';
  const said = [against(chosen, seasonalNaive, 'same day last week'), against(chosen, naive, 'same as yesterday')].filter(
    (p): p is string => p !== undefined,
  );
  return said.length ? `${said.join('; ')}.`.replace(/^./, (c) => c.toUpperCase()) : 'No simple guess to compare with yet.';
}

export type AccuracyRow = ForecastAccuracy['series'][number];

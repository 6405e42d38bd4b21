import type { Fitted, Model } from './types.js';

const constant = (v: number): Fitted => ({ predict: (h) => Array.from({ length: h }, () => v) });

/** Tomorrow is like today. */
export const naive: Model = {
  name: 'naive',
  minLength: () => 1,
  fit: (y) => constant(y[y.length - 1] ?? 0),
};

/** The same day last week (or the same week last year). */
export const seasonalNaive: Model = {
  name: 'seasonal_naive',
  minLength: (season) => season,
  fit: (y, season) => {
    const last = y.slice(-season);
    return { predict: (h) => Array.from({ length: h }, (_, i) => last[i % last.length] ?? 0) };
  },
};

/** The recent average: what is left when the history is too short for anything else. */
export const mean: Model = {
  name: 'mean',
  minLength: () => 1,
  fit: (y, season) => {
    const recent = y.slice(-Math.max(4 * season, 8));
    return constant(recent.length === 0 ? 0 : recent.reduce((a, b) => a + b, 0) / recent.length);
  },
};

/**
 * Croston (1972): smooth the size of the non-zero demands and the interval
 * between them separately; forecast size / interval. Initialised, as in
 * Hyndman's forecast::croston, with the first demand and the periods up to it.
 */
export function crostonForecast(y: readonly number[], alpha = 0.1): number {
  let z: number | undefined;
  let p = 0;
  let q = 0;
  for (const demand of y) {
    q += 1;
    if (demand <= 0) continue;
    if (z === undefined) {
      z = demand;
      p = q;
    } else {
      z += alpha * (demand - z);
      p += alpha * (q - p);
    }
    q = 0;
  }
  return z === undefined ? 0 : z / p;
}

/**
 * TSB (Teunter, Syntetos and Babai 2011): smooth the probability of a demand
 * every period (so a seller that stopped selling decays towards zero) and its
 * size when there is one; forecast probability × size.
 */
export function tsbForecast(y: readonly number[], alpha = 0.1, beta = 0.1): number {
  const first = y.findIndex((demand) => demand > 0);
  if (first < 0) return 0;
  let z = y[first] ?? 0;
  let prob = 1 / (first + 1);
  for (let t = first + 1; t < y.length; t++) {
    const demand = y[t] ?? 0;
    prob += beta * ((demand > 0 ? 1 : 0) - prob);
    if (demand > 0) z += alpha * (demand - z);
  }
  return prob * z;
}

export const croston: Model = {
  name: 'croston',
  minLength: () => 4,
  fit: (y) => constant(crostonForecast(y)),
};

export const tsb: Model = {
  name: 'tsb',
  minLength: () => 4,
  fit: (y) => constant(tsbForecast(y)),
};

/**
 * Non-seasonal exponential smoothing with additive errors: ETS(A,N,N),
 * ETS(A,A,N) and ETS(A,Ad,N) (Hyndman and Athanasopoulos, FPP3 §8), each
 * fitted by least squares with Nelder–Mead over the smoothing parameters and
 * chosen by AICc. Plain arithmetic over Float64Arrays: a few thousand steps of
 * the recursion per evaluation, so a fit is well under a millisecond.
 */

import { once } from './shared.js';

export type EtsForm = 'ANN' | 'AAN' | 'AAdN';
export const ETS_FORMS: readonly EtsForm[] = ['ANN', 'AAN', 'AAdN'];

export interface EtsFit {
  form: EtsForm;
  alpha: number;
  beta: number;
  phi: number;
  level: number;
  slope: number;
  /** sum of squared one-step errors at the optimum */
  sse: number;
  aicc: number;
  /** the optimum in the search's unbounded coordinates: where a refit on nearly the same data starts */
  raw: number[];
}

const squash = (v: number, lo: number, hi: number): number => lo + (hi - lo) / (1 + Math.exp(-v));

interface Params {
  alpha: number;
  beta: number;
  phi: number;
}

function params(form: EtsForm, v: readonly number[]): Params {
  const alpha = squash(v[0] ?? 0, 1e-4, 0.9999);
  if (form === 'ANN') return { alpha, beta: 0, phi: 0 };
  const beta = squash(v[1] ?? 0, 1e-4, alpha);
  return { alpha, beta, phi: form === 'AAdN' ? squash(v[2] ?? 0, 0.8, 0.98) : 1 };
}

/**
 * Sum of squared one-step errors with the initial level and slope that
 * minimise it. The errors are linear in the initial states, so they are
 * solved for exactly (least squares on two sensitivity tracks run beside the
 * data) instead of searched for as R's ets does: the search stays in the
 * smoothing parameters alone. The end state is written to `end`.
 */
function sse(x: Float64Array, p: Params, trended: boolean, end?: { level: number; slope: number }): number {
  return trended ? sseTrend(x, p.alpha, p.beta, p.phi, end) : sseLevel(x, p.alpha, end);
}

/** The search's objective at v: the parameters made in place (no object an evaluation, ~340 a series). */
function sseAt(x: Float64Array, form: EtsForm, v: readonly number[]): number {
  const alpha = squash(v[0] ?? 0, 1e-4, 0.9999);
  if (form === 'ANN') return sseLevel(x, alpha);
  return sseTrend(x, alpha, squash(v[1] ?? 0, 1e-4, alpha), form === 'AAdN' ? squash(v[2] ?? 0, 0.8, 0.98) : 1);
}

/**
 * sse for the trended forms: two sensitivity tracks, the initial level's and the initial slope's.
 * Run on the one-step forecast f = l + φb instead of the level: f′ = (1 − α − φβ)·f + φ²·b + (α + φβ)·x
 * puts one multiply-add between one step's forecast and the next where the textbook recursion has
 * four, and this loop is bound by that chain (~25 % faster an evaluation; the same sums to rounding).
 */
function sseTrend(x: Float64Array, alpha: number, beta: number, phi: number, end?: { level: number; slope: number }): number {
  const gain = alpha + phi * beta;
  const keep = 1 - gain;
  const phi2 = phi * phi;
  let f = 0;
  let b = 0;
  // d(f, b)/d(initial level) and d(f, b)/d(initial slope): f starts at l + φb
  let f1 = 1;
  let b1 = 0;
  let f2 = phi;
  let b2 = 1;
  let s00 = 0;
  let s01 = 0;
  let s02 = 0;
  let s11 = 0;
  let s12 = 0;
  let s22 = 0;
  for (let t = 0; t < x.length; t++) {
    const xt = x[t]!;
    const e = xt - f;
    // the tracks' errors are −f1 and −f2
    s00 += e * e;
    s01 -= e * f1;
    s02 -= e * f2;
    s11 += f1 * f1;
    s12 += f1 * f2;
    s22 += f2 * f2;
    const fNext = gain * xt + phi2 * b + keep * f;
    b = phi * b + beta * e;
    f = fNext;
    const f1Next = phi2 * b1 + keep * f1;
    b1 = phi * b1 - beta * f1;
    f1 = f1Next;
    const f2Next = phi2 * b2 + keep * f2;
    b2 = phi * b2 - beta * f2;
    f2 = f2Next;
  }
  // the level is the forecast less the damped slope
  const l = f - phi * b;
  const ll = f1 - phi * b1;
  const lb = f2 - phi * b2;
  const bl = b1;
  const bb = b2;
  // minimise s00 + 2 c·g + cᵀ H c over c = (initial level, initial slope)
  const ridge = 1e-9 * (s11 + s22 + 1);
  const h11 = s11 + ridge;
  const h22 = s22 + ridge;
  const det = h11 * h22 - s12 * s12;
  const c1 = det > 0 ? (-s01 * h22 + s02 * s12) / det : -s01 / h11;
  const c2 = det > 0 ? (-s02 * h11 + s01 * s12) / det : 0;
  if (end) {
    end.level = l + c1 * ll + c2 * lb;
    end.slope = b + c1 * bl + c2 * bb;
  }
  return Math.max(0, s00 + 2 * (c1 * s01 + c2 * s02) + c1 * c1 * s11 + 2 * c1 * c2 * s12 + c2 * c2 * s22);
}

/** sse for ETS(A,N,N): one sensitivity track, the initial level's. */
function sseLevel(x: Float64Array, alpha: number, end?: { level: number; slope: number }): number {
  let l = 0;
  let d = 1;
  let s00 = 0;
  let s01 = 0;
  let s11 = 0;
  const keep = 1 - alpha;
  for (let t = 0; t < x.length; t++) {
    const xt = x[t]!;
    const e = xt - l;
    s00 += e * e;
    s01 -= e * d;
    s11 += d * d;
    // l + α·e with l one multiply-add from the next: the chain the loop waits on
    l = alpha * xt + keep * l;
    d *= keep;
  }
  const c = -s01 / (s11 + 1e-9 * (s11 + 1));
  if (end) {
    end.level = l + c * d;
    end.slope = 0;
  }
  return Math.max(0, s00 + 2 * c * s01 + c * c * s11);
}

interface Vertex {
  v: number[];
  y: number;
}

/**
 * Nelder–Mead minimisation from `start`, a fixed budget of evaluations, stopping when the simplex's
 * values agree to `tol` (relative); the best vertex and its value.
 */
function nelderMead(f: (v: number[]) => number, start: readonly number[], step: number, maxEvals: number, tol: number): Vertex {
  const dim = start.length;
  const pts: Vertex[] = [{ v: [...start], y: f([...start]) }];
  for (let i = 0; i < dim; i++) {
    const v = [...start];
    v[i] = (v[i] ?? 0) + step;
    pts.push({ v, y: f(v) });
  }
  let evals = dim + 1;
  const centroid = new Array<number>(dim);
  const at = (d: readonly number[], k: number): number[] => {
    const out = new Array<number>(dim);
    for (let i = 0; i < dim; i++) out[i] = centroid[i]! + k * (centroid[i]! - d[i]!);
    return out;
  };
  const byValue = (a: Vertex, b: Vertex) => a.y - b.y;
  while (evals < maxEvals) {
    pts.sort(byValue);
    const best = pts[0]!;
    const worst = pts[dim]!;
    if (Math.abs(worst.y - best.y) <= tol * (Math.abs(best.y) + 1e-12)) break;
    centroid.fill(0);
    for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) centroid[j]! += pts[i]!.v[j]! / dim;
    const r = at(worst.v, 1);
    const yr = f(r);
    evals += 1;
    if (yr < best.y) {
      const e = at(worst.v, 2);
      const ye = f(e);
      evals += 1;
      pts[dim] = ye < yr ? { v: e, y: ye } : { v: r, y: yr };
    } else if (yr < pts[dim - 1]!.y) {
      pts[dim] = { v: r, y: yr };
    } else {
      const c = at(worst.v, -0.5);
      const yc = f(c);
      evals += 1;
      if (yc < worst.y) pts[dim] = { v: c, y: yc };
      else {
        for (let i = 1; i <= dim; i++) {
          const v = pts[i]!.v.map((vi, j) => best.v[j]! + 0.5 * (vi - best.v[j]!));
          pts[i] = { v, y: f(v) };
        }
        evals += dim;
      }
    }
  }
  pts.sort(byValue);
  return pts[0]!;
}

/**
 * The simplex's agreement at which a fit stops: PUBLISHED meets the published fits (an SSE within
 * 0.02 % of theirs, see published.test.ts); SCREEN, 100 times looser, is enough to rank the forms
 * and to refit a backtest origin. fitEts screens the forms and takes the chosen one on to
 * PUBLISHED: on 480 simulated histories (seeds 1–3, daily and weekly) the same form as fitting all
 * at PUBLISHED on 479, its SSE the same to 0.01 % on 99 in 100 (within 0.6 % on all, lower as
 * often as higher), at 150 evaluations a daily series of two years instead of 241.
 */
export const PUBLISHED = 1e-6;
export const SCREEN = 1e-4;

/** beyond this the squash is within 0.03 % of its bound: the search has nothing left to gain there */
const SATURATED = 8;

const START: Record<EtsForm, number[]> = { ANN: [-1], AAN: [-1, -3], AAdN: [-1, -3, 1] };
/** α and β near 0: the second start of a trended form */
const LINE_START: Record<EtsForm, number[]> = { ANN: [-6], AAN: [-6, -6], AAdN: [-6, -6, 1] };

/**
 * Fits one form by least squares; AICc from the Gaussian likelihood. `from`, a fit of the
 * same form on nearly the same data (a backtest origin's history), starts a short local search.
 */
export function fitForm(x: Float64Array, form: EtsForm, from?: EtsFit, seed?: readonly number[], tol = PUBLISHED): EtsFit {
  const trended = form !== 'ANN';
  const dim = START[form].length;
  const warm = from?.form === form ? from.raw : undefined;
  const objective = (v: number[]) => sseAt(x, form, v);
  // each search returns its best value with its point: the comparisons below cost no evaluation
  let best = nelderMead(objective, warm ?? seed ?? START[form], warm ? 0.25 : 1, warm ? 12 * dim : 40 * dim, tol);
  // A trended form's SSE often has two valleys: a fast-moving level, and a nearly fixed
  // line (α, β near 0). From one start the search finds the valley it starts in (on FPP's
  // oil series, α 0.75 at an SSE 17 % above the line's); a cold fit also searches from the line.
  if (!warm && !seed && form !== 'ANN') {
    const line = nelderMead(objective, LINE_START[form], 1, 40 * dim, tol);
    if (line.y < best.y) best = line;
  }
  // An expansion step can carry a coordinate far into the flat end of the squash, where the
  // simplex stalls at the bound (on FPP's livestock series α ran to 0.9999 and the damped
  // fit's SSE stayed 0.04 % above the published optimum at α 0.98): bring it back and search again.
  if (!warm && best.v.some((coordinate) => Math.abs(coordinate) > SATURATED)) {
    const again = nelderMead(
      objective,
      best.v.map((coordinate) => Math.max(-SATURATED, Math.min(SATURATED, coordinate))),
      1,
      40 * dim,
      tol,
    );
    if (again.y < best.y) best = again;
  }
  const parameters = params(form, best.v);
  const end = { level: 0, slope: 0 };
  const sumOfSquares = sse(x, parameters, trended, end);
  const n = x.length;
  // parameters, initial states and the error variance
  const k = START[form].length + (form === 'ANN' ? 1 : 2) + 1;
  const aic = n * Math.log(Math.max(sumOfSquares, 1e-12) / n) + 2 * k;
  const aicc = n - k - 1 > 0 ? aic + (2 * k * (k + 1)) / (n - k - 1) : Infinity;
  return { form, ...parameters, level: end.level, slope: end.slope, sse: sumOfSquares, aicc, raw: best.v };
}

/** fitForm, made once in a forecast for each array (theta's SES is ets's ANN on the same adjusted history: shared.ts). */
export function fitFormOnce(x: Float64Array, form: EtsForm, from?: EtsFit, seed?: readonly number[], tol = PUBLISHED): EtsFit {
  const key = `ets ${form}|${from?.form === form ? from.raw.join() : ''}|${seed?.join() ?? ''}|${tol}`;
  return once(x, key, () => fitForm(x, form, from, seed, tol));
}

/**
 * The form with the smallest AICc among `forms`. The damped trend is searched only where the
 * undamped one beat no trend: its φ lies in [0.8, 0.98], so it is a trend a little less steep
 * than the undamped one, and where a trend did not pay for its two parameters it seldom pays
 * for three. On 480 simulated daily and weekly histories (seeds 1–3) this skipped the damped
 * search, the costliest of the three, on 284 and changed the chosen form on 23 (ets's MASE in
 * `npm run eval:forecast`, seeds 1–5, moved by 0.003 at most, either way).
 */
export function fitEts(x: Float64Array, forms: readonly EtsForm[] = ETS_FORMS, from?: EtsFit): EtsFit {
  // a backtest origin's refit: the form chosen, from its optimum on the whole history, screened
  if (from) return fitFormOnce(x, from.form, from, undefined, SCREEN);
  let best: EtsFit | undefined;
  let level: EtsFit | undefined;
  let trend: EtsFit | undefined;
  for (const form of forms) {
    if (form === 'AAdN' && level && trend && trend.aicc >= level.aicc) continue;
    // The damped search starts where the undamped one ended (its α and β, φ mid-range): that
    // search already chose between the level and the line valleys, so one start is enough here.
    const seed = form === 'AAdN' && trend ? [...trend.raw, START.AAdN[2]!] : undefined;
    const f = fitFormOnce(x, form, undefined, seed, SCREEN);
    if (form === 'ANN') level = f;
    if (form === 'AAN') trend = f;
    if (!best || f.aicc < best.aicc) best = f;
  }
  if (!best || !Number.isFinite(best.level)) throw new Error('no ETS model could be fitted');
  // the chosen form on to the published precision, from where its screening stopped
  const exact = fitFormOnce(x, best.form, best, undefined, PUBLISHED);
  return exact.sse <= best.sse ? exact : best;
}

export function etsForecast(f: EtsFit, horizon: number): number[] {
  const out: number[] = [];
  let damp = 0;
  let power = 1;
  for (let h = 1; h <= horizon; h++) {
    power *= f.phi;
    damp += power;
    out.push(f.level + (f.form === 'ANN' ? 0 : damp * f.slope));
  }
  return out;
}

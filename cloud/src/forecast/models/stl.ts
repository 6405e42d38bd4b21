/**
 * STL: seasonal-trend decomposition by loess (Cleveland, Cleveland, McRae and
 * Terpenning 1990), the inner loop without robustness weights, as R's stl and
 * the stl-cpp port that augurs' MSTL wraps. Written here because one augurs
 * (wasm) MSTL + AutoETS fit cost ~25 ms of CPU, far over the budget of 10,000
 * series with five backtest origins in 30 s; this one costs a fraction of a
 * millisecond on two years of days.
 */

export interface Decomposition {
  seasonal: Float64Array;
  trend: Float64Array;
}

const nextOdd = (value: number): number => {
  const rounded = Math.round(value);
  return rounded % 2 === 0 ? rounded + 1 : rounded;
};

/**
 * Loess estimate at xs (1-based positions) from y[nleft..nright] (1-based),
 * window `len`, degree 0 or 1; null when every weight is zero.
 */
function est(
  y: Float64Array,
  n: number,
  len: number,
  degree: number,
  xs: number,
  nleft: number,
  nright: number,
  w: Float64Array,
): number | null {
  const range = n - 1;
  let h = Math.max(xs - nleft, nright - xs);
  if (len > n) h += Math.floor((len - n) / 2);
  const h9 = 0.999 * h;
  const h1 = 0.001 * h;
  let a = 0;
  for (let j = nleft; j <= nright; j++) {
    w[j] = 0;
    const r = Math.abs(j - xs);
    if (r <= h9) {
      // tricube, multiplied out: Math.pow here was most of the decomposition's time
      const u = r / h;
      const q = 1 - u * u * u;
      w[j] = r <= h1 ? 1 : q * q * q;
      a += w[j]!;
    }
  }
  if (a <= 0) return null;
  for (let j = nleft; j <= nright; j++) w[j]! /= a;
  if (h > 0 && degree > 0) {
    let m = 0;
    for (let j = nleft; j <= nright; j++) m += w[j]! * j;
    let b = xs - m;
    let c = 0;
    for (let j = nleft; j <= nright; j++) c += w[j]! * (j - m) * (j - m);
    if (Math.sqrt(c) > 0.001 * range) {
      b /= c;
      for (let j = nleft; j <= nright; j++) w[j]! *= b * (j - m) + 1;
    }
  }
  let smoothed = 0;
  for (let j = nleft; j <= nright; j++) smoothed += w[j]! * y[j]!;
  return smoothed;
}

/**
 * Loess smooth of y[1..n] into out[1..n] (1-based). Where the window sits
 * symmetric about the point its weights are the same tricube every time (the
 * degree-1 correction vanishes there): those points are a dot product with one
 * precomputed kernel, only the ends go through est. With `jump` > 1 only every
 * jump-th point is estimated and the rest interpolated, as STL does for its
 * long windows (a yearly season's trend spans ~635 days).
 */
function ess(y: Float64Array, n: number, len: number, degree: number, out: Float64Array, w: Float64Array, jump = 1): void {
  if (n < 2) {
    out[1] = y[1]!;
    return;
  }
  const step = Math.max(1, Math.min(jump, n - 1));
  const half = Math.floor((len + 1) / 2);
  const kernel = len < n && len % 2 === 1 ? symmetricKernel(len) : undefined;
  let nleft = 1;
  let nright = Math.min(len, n);
  for (let i = 1; i <= n; i += step) {
    if (len < n) {
      // plain assignments: a destructured pair here allocated an array a point
      if (i < half) {
        nleft = 1;
        nright = len;
      } else if (i >= n - half + 1) {
        nleft = n - len + 1;
        nright = n;
      } else {
        nleft = i - half + 1;
        nright = len + i - half;
      }
    }
    if (kernel && i - nleft === nright - i) {
      let smoothed = 0;
      for (let k = 0; k < len; k++) smoothed += kernel[k]! * y[nleft + k]!;
      out[i] = smoothed;
    } else out[i] = est(y, n, len, degree, i, nleft, nright, w) ?? y[i]!;
  }
  if (step === 1) return;
  for (let i = 1; i <= n - step; i += step) {
    const delta = (out[i + step]! - out[i]!) / step;
    for (let j = i + 1; j < i + step; j++) out[j] = out[i]! + delta * (j - i);
  }
  const k = Math.floor((n - 1) / step) * step + 1;
  if (k !== n) {
    out[n] = est(y, n, len, degree, n, Math.max(1, n - len + 1), n, w) ?? y[n]!;
    const delta = (out[n]! - out[k]!) / (n - k);
    for (let j = k + 1; j < n; j++) out[j] = out[k]! + delta * (j - k);
  }
}

const kernels = new Map<number, Float64Array>();
/** Normalised tricube weights of an odd window centred on its middle point, as est computes them. */
function symmetricKernel(len: number): Float64Array {
  const cached = kernels.get(len);
  if (cached) return cached;
  const h = (len - 1) / 2;
  const k = new Float64Array(len);
  let a = 0;
  for (let j = 0; j < len; j++) {
    const r = Math.abs(j - h);
    const u = r / h;
    const q = 1 - u * u * u;
    k[j] = r <= 0.999 * h ? (r <= 0.001 * h ? 1 : q * q * q) : 0;
    a += k[j]!;
  }
  for (let j = 0; j < len; j++) k[j]! /= a;
  kernels.set(len, k);
  return k;
}

/** Moving average of x[0..n) with window len into out[0..n-len]. */
function movingAverage(x: Float64Array, n: number, len: number, out: Float64Array): void {
  let windowSum = 0;
  for (let i = 0; i < len; i++) windowSum += x[i]!;
  out[0] = windowSum / len;
  for (let j = 1; j <= n - len; j++) {
    windowSum += x[j + len - 1]! - x[j - 1]!;
    out[j] = windowSum / len;
  }
}

const scratches: Float64Array[] = [];
/**
 * Working array k of at least `size`, zeroed as a new one would be: reused from call to call
 * (a series' backtest decomposes eight histories; fresh arrays for each were ~5 % of its CPU in GC).
 */
function scratch(k: number, size: number): Float64Array {
  let a = scratches[k];
  if (!a || a.length < size) scratches[k] = a = new Float64Array(size);
  else a.fill(0, 0, size);
  return a.length === size ? a : a.subarray(0, size);
}

/**
 * Decomposes y with one seasonal period. `seasonalWindow` is the loess span
 * of each cycle-subseries (odd, ≥ 7); the trend and low-pass spans follow
 * the paper's defaults.
 */
export function stl(y: ArrayLike<number>, period: number, seasonalWindow = 11, innerLoops = 2): Decomposition {
  const n = y.length;
  if (period < 2 || n < 2 * period) throw new Error(`STL needs two periods of ${period}, got ${n} points`);
  const { ns, nt, nl } = windows(period, seasonalWindow);
  const cycles = Math.ceil(n / period) + 2;
  // 1-based scratch arrays, sized for the longest use
  const size = n + 2 * period + 2;
  const yy = new Float64Array(n + 1);
  for (let i = 1; i <= n; i++) yy[i] = y[i - 1]!;
  // estimate every point of short windows; every tenth or so of long ones, as STL does
  const jumpOf = (len: number) => (len > 100 ? Math.ceil(len / 10) : 1);
  const trend = new Float64Array(n + 1);
  const season = new Float64Array(n + 1);
  const work = scratch(0, size);
  const c = scratch(1, size);
  const l1 = scratch(2, size);
  const l2 = scratch(3, size);
  const sub = scratch(4, cycles + 2);
  const subOut = scratch(5, cycles + 2);
  const w = scratch(6, Math.max(size, cycles + 2));
  for (let loop = 0; loop < innerLoops; loop++) {
    for (let i = 1; i <= n; i++) work[i] = yy[i]! - trend[i]!;
    // cycle-subseries smoothing, each extended one cycle at both ends: c[0..n+2p)
    for (let j = 0; j < period; j++) {
      const k = Math.floor((n - j - 1) / period) + 1;
      for (let i = 1; i <= k; i++) sub[i] = work[(i - 1) * period + j + 1]!;
      ess(sub, k, ns, 0, subOut, w);
      subOut[0] = est(sub, k, ns, 0, 0, 1, Math.min(ns, k), w) ?? subOut[1]!;
      subOut[k + 1] = est(sub, k, ns, 0, k + 1, Math.max(1, k - ns + 1), k, w) ?? subOut[k]!;
      for (let m = 0; m <= k + 1; m++) c[m * period + j] = subOut[m]!;
    }
    // low-pass filter of the cycle-subseries: moving averages p, p, 3, then loess
    movingAverage(c, n + 2 * period, period, l1);
    movingAverage(l1, n + period + 1, period, l2);
    movingAverage(l2, n + 2, 3, l1);
    for (let i = n; i >= 1; i--) l1[i] = l1[i - 1]!;
    ess(l1, n, nl, 1, l2, w, jumpOf(nl));
    for (let i = 1; i <= n; i++) {
      season[i] = c[period + i - 1]! - l2[i]!;
      work[i] = yy[i]! - season[i]!;
    }
    ess(work, n, nt, 1, trend, w, jumpOf(nt));
  }
  return { seasonal: season.subarray(1), trend: trend.subarray(1) };
}

/**
 * How far into a series its decomposition feels where the series ends: every estimate is a
 * loess or moving average over a window, and an end's windows are anchored to it, so a point
 * further than this from an end is decomposed the same (to rounding) whatever lies beyond that
 * end. Per inner loop: the cycle-subseries smoothing (ns cycles), the low-pass filter (two
 * moving averages of a period, one of 3, a loess of nl) and the trend's loess (nt), summed.
 * Infinity where a long window is estimated on a grid (jump > 1): the grid moves with the start.
 */
export function stlReach(period: number, seasonalWindow = 11, innerLoops = 2): number {
  const { ns, nt, nl } = windows(period, seasonalWindow);
  if (nt > 100 || nl > 100) return Infinity;
  return innerLoops * (ns * period + 2 * period + 3 + nl + nt);
}

function windows(period: number, seasonalWindow: number): { ns: number; nt: number; nl: number } {
  const ns = nextOdd(Math.max(3, seasonalWindow));
  return { ns, nt: nextOdd(Math.ceil((1.5 * period) / (1 - 1.5 / ns))), nl: nextOdd(period) };
}

/**
 * MSTL (Bandara, Hyndman and Bergmeir 2021): STL for each period in turn, each
 * refitted with the other seasons taken out, `iterations` times. The seasonal
 * windows grow with the period's rank (11, 15, …) as R's mstl.
 */
export function mstlDecompose(
  y: readonly number[],
  periods: readonly number[],
  iterations = 2,
): { seasonals: Float64Array<ArrayBufferLike>[]; adjusted: Float64Array } {
  const adjusted = Float64Array.from(y);
  const seasonals: Float64Array<ArrayBufferLike>[] = periods.map(() => new Float64Array(y.length));
  // With one period a second round would decompose y again less nothing (the season taken out
  // and put back): the same STL at the cost of another, which R's mstl skips too.
  const rounds = periods.length === 1 ? 1 : iterations;
  for (let it = 0; it < rounds; it++) {
    periods.forEach((period, i) => {
      const seasonal = seasonals[i]!;
      for (let t = 0; t < adjusted.length; t++) adjusted[t]! += seasonal[t]!;
      const decomposition = stl(adjusted, period, 11 + 4 * i);
      seasonals[i] = decomposition.seasonal;
      for (let t = 0; t < adjusted.length; t++) adjusted[t]! -= decomposition.seasonal[t]!;
    });
  }
  return { seasonals, adjusted };
}

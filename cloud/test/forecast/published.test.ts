// The hand-written ETS and STL against figures published for public datasets (FPP's oil and
// livestock, statsmodels' checks of them) and against a maintained implementation where nothing
// is printed (statsmodels' ETSModel and its port of Cleveland et al.'s STL). Sources in the fixtures.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { etsForecast, fitForm, type EtsForm } from '../../src/forecast/models/holt.js';
import { stl } from '../../src/forecast/models/stl.js';
import { AUSAIR, LIVESTOCK, OIL, PUBLISHED, STATSMODELS_ETS } from './fixtures/published.js';

const fit = (y: readonly number[], form: EtsForm) => fitForm(Float64Array.from(y), form);
/** statsmodels' AICc less the Gaussian likelihood's constant, n·(ln 2π + 1): ours */
const ourAicc = (theirs: number, n: number) => theirs - n * (Math.log(2 * Math.PI) + 1);

describe('ETS against published least-squares fits', () => {
  // Tolerances: the figures that matter (SSE, forecasts) tightly; the parameters loosely, because
  // near the optimum the SSE is flat along them and optimisers stop at different points of the
  // ridge (on LIVESTOCK α 0.979 and 0.98 differ in SSE by 0.01 %).
  it('SES on oil 1996–2007: α and the 2008 forecast as published', () => {
    const f = fit(OIL, 'ANN');
    expect(Math.abs(f.alpha - PUBLISHED.oilSes.alpha)).toBeLessThan(0.005);
    // the forecast within 0.01 % (0.05 Mt of 496)
    expect(Math.abs(etsForecast(f, 1)[0]! - PUBLISHED.oilSes.forecast)).toBeLessThan(0.05);
  });

  it('SES on livestock: α at its bound and the published SSE', () => {
    const f = fit(LIVESTOCK, 'ANN');
    expect(f.alpha).toBeGreaterThan(0.995);
    // statsmodels' α may reach 1, ours stops at R's bound 0.9999: within 0.05 %
    expect(Math.abs(f.sse / PUBLISHED.livestockSes.sse - 1)).toBeLessThan(5e-4);
  });

  it('damped Holt on livestock: φ at 0.98, α near 0.98 and the published SSE', () => {
    const f = fit(LIVESTOCK, 'AAdN');
    expect(Math.abs(f.phi - PUBLISHED.livestockDamped.phi)).toBeLessThan(0.001);
    expect(Math.abs(f.alpha - PUBLISHED.livestockDamped.alpha)).toBeLessThan(0.01);
    // published β is 0; ours is held at R's lower bound 1e-4, which costs 0.01 % of SSE. Before the
    // search was restarted from a saturated bound, α ran to 0.9999 here and the SSE was 0.05 % over.
    expect(f.sse).toBeGreaterThanOrEqual(PUBLISHED.livestockDamped.sse - 0.01);
    expect(f.sse / PUBLISHED.livestockDamped.sse - 1).toBeLessThan(2e-4);
  });
});

describe('ETS against statsmodels ETSModel (no printed figure for these forms)', () => {
  const cases: { name: string; y: readonly number[]; form: EtsForm; ref: { forecast: number[]; aicc: number } }[] = [
    { name: 'oil ANN', y: OIL, form: 'ANN', ref: STATSMODELS_ETS.oilANN },
    // the trended forms' SSE has two valleys on oil: a moving level and a nearly fixed line; the line wins
    { name: 'oil AAN', y: OIL, form: 'AAN', ref: STATSMODELS_ETS.oilAAN },
    { name: 'oil AAdN', y: OIL, form: 'AAdN', ref: STATSMODELS_ETS.oilAAdN },
    { name: 'livestock AAdN', y: LIVESTOCK, form: 'AAdN', ref: STATSMODELS_ETS.livestockAAdN },
    { name: 'ausair AAdN', y: AUSAIR, form: 'AAdN', ref: STATSMODELS_ETS.ausairAAdN },
  ];
  it.each(cases)('$name: the first three forecasts within 0.01 % and the AICc within 0.1', ({ y, form, ref }) => {
    const f = fit(y, form);
    etsForecast(f, 3).forEach((v, i) => expect(Math.abs(v / ref.forecast[i]! - 1)).toBeLessThan(1e-4));
    // the β floor (1e-4 here, 0 allowed there on some forms) moves the SSE by under 0.05 %: AICc by under 0.1
    expect(Math.abs(f.aicc - ourAicc(ref.aicc, y.length))).toBeLessThan(0.1);
  });
});

describe('STL against the reference implementation', () => {
  const ref = JSON.parse(readFileSync(new URL('./fixtures/co2-stl.json', import.meta.url), 'utf8')) as {
    co2: number[];
    seasonal: number[];
    trend: number[];
  };
  it('Mauna Loa CO2 by month (Cleveland et al. 1990), period 12, seasonal window 13: the same decomposition', () => {
    const d = stl(ref.co2, 12, 13, 2);
    // same algorithm, same windows and degrees: equal to the fixture's rounding (1e-8), allowed 1e-6
    let worst = 0;
    for (let i = 0; i < ref.co2.length; i++) {
      worst = Math.max(worst, Math.abs(d.seasonal[i]! - ref.seasonal[i]!), Math.abs(d.trend[i]! - ref.trend[i]!));
    }
    expect(worst).toBeLessThan(1e-6);
    // and the seasonal swing is the known ~6 ppm of the northern growing season
    const lastYear = Array.from(d.seasonal.slice(-12));
    expect(Math.max(...lastYear) - Math.min(...lastYear)).toBeGreaterThan(5);
  });
});

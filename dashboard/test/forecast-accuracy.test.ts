import { describe, expect, it } from 'vitest';
import { biasText, coverageOk, maseText, pctText, verdict } from '../src/lib/forecast-accuracy';

describe('forecast accuracy in plain words', () => {
  it('compares the forecast with both simple guesses by the share its errors are smaller or larger', () => {
    expect(verdict(0.6, 0.8, 1.2)).toBe('25 % smaller errors than “same day last week”; 50 % smaller errors than “same as yesterday”.');
    expect(verdict(1.1, 1, 1.09)).toBe('10 % larger errors than “same day last week”; about as accurate as “same as yesterday”.');
  });
  it('says so when there is no backtest, no baseline, or an exact baseline', () => {
    expect(verdict(null, 1, 1)).toBe('Too little sales history to test the forecast yet.');
    expect(verdict(0.5, null, undefined)).toBe('No simple guess to compare with yet.');
    expect(verdict(0, 0, null)).toBe('About as accurate as “same day last week”.');
    expect(verdict(0, 2, null)).toBe('Exact where “same day last week” was off.');
    expect(verdict(0.4, 0, null)).toBe('Larger errors than “same day last week”, which was exact.');
  });
  it('writes each figure with a dash for a missing one and a sign on the bias', () => {
    expect([maseText(0.8123), maseText(null), pctText(0.216), pctText(undefined)]).toEqual(['0.81', '–', '22 %', '–']);
    expect([biasText(0.44), biasText(-1.26), biasText(0.01), biasText(null)]).toEqual(['+0.4', '−1.3', '0.0', '–']);
  });
  it('calls coverage honest within 5 points of 80 % and 3 of 95 %', () => {
    expect([coverageOk(0.76, 0.8), coverageOk(0.74, 0.8), coverageOk(0.93, 0.95), coverageOk(0.9, 0.95), coverageOk(null, 0.8)]).toEqual([
      true,
      false,
      true,
      false,
      undefined,
    ]);
  });
});

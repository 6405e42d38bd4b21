import { describe, expect, it } from 'vitest';
import { packHistory, unpackHistory } from '../../src/forecast/wire.js';
import type { RawPoint } from '../../src/forecast/models/index.js';

describe('forecast history sent to a worker', () => {
  it('comes back as it was, unknown days included', () => {
    const points: RawPoint[] = [
      { date: '2024-01-01', quantity: 3 },
      { date: '2024-01-02', quantity: null },
      { date: '2024-01-03', quantity: 0 },
      { date: 'not a date', quantity: -2.5 },
    ];
    const packed = packHistory(points);
    expect(packed).toBeDefined();
    expect(unpackHistory(structuredClone(packed!))).toEqual(points);
  });

  it('an empty history stays empty', () => {
    expect(unpackHistory(packHistory([])!)).toEqual([]);
  });

  it('what packing would change is sent as it is', () => {
    expect(packHistory([{ date: '2024-01-01\n2024-01-02', quantity: 1 }])).toBeUndefined();
    expect(packHistory([{ date: '2024-01-01', quantity: '4' as unknown as number }])).toBeUndefined();
  });
});

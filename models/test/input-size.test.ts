import { describe, expect, it } from 'vitest';
import { pickInputSize, type SizeRow } from '../bench/input-size.js';

const SPLITS = ['close-ups', 'shrunk'];
const row = (name: string, aps: number[], ms: number): SizeRow => ({ name, aps: aps.map((ap) => ({ ap, lo: ap, hi: ap })), ms });

describe('pickInputSize: the default changes only when the numbers say so', () => {
  it('keeps the current default when a candidate lowers any split, however much it raises another', () => {
    const current = row('416', [0.5, 0.14], 100);
    const tiled = row('416 2x2', [0.45, 0.48], 300);
    const choice = pickInputSize([current, tiled], SPLITS, 10, 40);
    expect(choice.picked).toBe(current);
    expect(choice.verdicts[0]).toContain('lowers close-ups 0.450 < 0.500');
  });

  it('takes a candidate that no split loses, that raises the mean and whose quiet frame is within the target', () => {
    const current = row('416', [0.5, 0.14], 100);
    const bigger = row('512', [0.5, 0.3], 120);
    const choice = pickInputSize([current, bigger], SPLITS, 30.8, 40);
    expect(choice.picked).toBe(bigger);
    expect(choice.verdicts).toEqual(['picked']);
  });

  it('refuses a better candidate whose frame, scaled to the quiet machine, is over the target', () => {
    const current = row('416', [0.5, 0.14], 100);
    const biggest = row('640', [0.6, 0.4], 150); // 1.5 x 30.8 = 46.2 ms
    const choice = pickInputSize([current, biggest], SPLITS, 30.8, 40);
    expect(choice.picked).toBe(current);
    expect(choice.verdicts[0]).toContain('46.2 ms');
  });

  it('picks the best mean among the candidates that clear every rule', () => {
    const current = row('416', [0.5, 0.14], 100);
    const good = row('512', [0.5, 0.2], 110);
    const better = row('576', [0.55, 0.3], 120);
    const choice = pickInputSize([current, good, better], SPLITS, 30.8, 40);
    expect(choice.picked).toBe(better);
    expect(choice.verdicts).toEqual(['clears every rule', 'picked']);
  });
});

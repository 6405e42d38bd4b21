import { describe, expect, it } from 'vitest';
import { quantity, quantityOf } from '../src/quantity.js';

describe('quantity: how a person reads a stock figure', () => {
  it('keeps two decimals and drops trailing zeros', () => {
    expect(quantity(0.75)).toBe('0.75');
    expect(quantity(0.871)).toBe('0.87');
    expect(quantity(6)).toBe('6');
    expect(quantity(1.4)).toBe('1.4');
    expect(quantity(-0.001)).toBe('0');
  });

  it('never prints a level and a reorder point that differ as one figure', () => {
    // one decimal printed 0.71 as "0.7" and 0.75 as "0.8"; 0.75 and 0.8 both as "0.8"
    expect(quantity(0.75)).not.toBe(quantity(0.8));
    expect(quantity(0.71)).not.toBe(quantity(0.7));
  });

  it('says the unit, singular only for exactly 1', () => {
    expect(quantityOf(6)).toBe('6 bottles');
    expect(quantityOf(0.87)).toBe('0.87 bottles');
    expect(quantityOf(1)).toBe('1 bottle');
    expect(quantityOf(1.004)).toBe('1 bottle');
    expect(quantityOf(2, 'keg')).toBe('2 kegs');
  });

  it('leaves symbols and plurals as they are, and writes -es where English does', () => {
    expect(quantityOf(2.5, 'kg')).toBe('2.5 kg');
    expect(quantityOf(3, 'l')).toBe('3 l');
    expect(quantityOf(4, 'boxes')).toBe('4 boxes');
    expect(quantityOf(4, 'box')).toBe('4 boxes');
    expect(quantityOf(1, 'box')).toBe('1 box');
  });
});

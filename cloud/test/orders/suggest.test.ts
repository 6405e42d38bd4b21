import { describe, expect, it } from 'vitest';
import { reviewDays, suggestOrder, type ItemNeed, type SupplierTerms } from '../../src/orders/suggest.js';

const terms = (over: Partial<SupplierTerms> = {}): SupplierTerms => ({
  leadTimeDays: 2,
  reviewDays: 7,
  minOrderValue: null,
  minOrderUnits: null,
  z: 0,
  ...over,
});
const need = (over: Partial<ItemNeed> = {}): ItemNeed => ({
  itemId: 'aperol',
  name: 'Aperol',
  caseSize: 6,
  casePrice: 60,
  onHand: 2,
  onOrder: 0,
  par: 6,
  ...over,
});

describe('order suggestion arithmetic', () => {
  it('no forecast: up to par, less on hand, rounded up to a whole case, and says so', () => {
    const o = suggestOrder([need()], terms());
    expect(o.lines).toMatchObject([{ basis: 'par', target: 6, cases: 1, units: 6 }]);
    expect(o.lines[0]!.reason).toBe('no forecast yet: order up to venue par 6 (all locations), 2 bottles on hand: 1 case of 6');
    expect(o.value).toBe(60);
  });

  it('rounds up, not to the nearest case: 7 short of par in cases of 6 is 2 cases', () => {
    const o = suggestOrder([need({ par: 9, onHand: 2 })], terms());
    expect(o.lines[0]).toMatchObject({ cases: 2, units: 12 });
    expect(o.lines[0]!.reason).toBe('no forecast yet: order up to venue par 9 (all locations), 2 bottles on hand: 2 cases of 6');
  });

  it('forecast: demand over lead time and review period, less on hand and on order', () => {
    // 9 a week over 2 + 7 days = 11.57; 11.57 - 3 - 6 = 2.57 → one case of 6
    const o = suggestOrder([need({ onHand: 3, onOrder: 6, demand: { perDay: 9 / 7, errorPerDay: 0.5 } })], terms());
    expect(o.lines).toMatchObject([{ basis: 'forecast', cases: 1, units: 6, target: 11.6 }]);
    expect(o.lines[0]!.reason).toBe('sells ~9 a week, 3 bottles on hand, 6 on order, delivery in 2 days: order 1 case of 6');
  });

  it('safety stock grows with the forecast error and the square root of the horizon', () => {
    // target = 1 × 9 + 1.65 × 2 × 3 = 18.9; 18.9 - 12 = 6.9 → 2 cases of 6 (without safety stock: 9 - 12 < 0, nothing)
    const demand = { perDay: 1, errorPerDay: 2 };
    expect(suggestOrder([need({ onHand: 12, demand })], terms({ z: 0 })).lines).toEqual([]);
    expect(suggestOrder([need({ onHand: 12, demand })], terms({ z: 1.65 })).lines[0]).toMatchObject({ cases: 2, target: 18.9 });
    // an item whose class asks for a higher service level carries its own factor: with 14 on hand,
    // 9 + 2.33 × 6 = 22.98 - 14 = 8.98 → 2 cases, against 18.9 - 14 = 4.9 → 1 case at the default
    expect(suggestOrder([need({ onHand: 14, demand })], terms({ z: 1.65 })).lines[0]).toMatchObject({ cases: 1 });
    expect(suggestOrder([need({ onHand: 14, demand, z: 2.33 })], terms({ z: 1.65 })).lines[0]).toMatchObject({ cases: 2, target: 23 });
  });

  it('what is on order counts: enough coming means nothing to order', () => {
    expect(suggestOrder([need({ onHand: 2, onOrder: 4 })], terms()).lines).toEqual([]);
    const o = suggestOrder([need({ onHand: 1, onOrder: 4, par: 12 })], terms());
    expect(o.lines[0]).toMatchObject({ cases: 2 });
    expect(o.lines[0]!.reason).toBe(
      'no forecast yet: order up to venue par 12 (all locations), 1 bottle on hand, 4 on order: 2 cases of 6',
    );
  });

  it('an item at or above par is left off; single bottles read as bottles', () => {
    const o = suggestOrder(
      [need({ itemId: 'full', onHand: 6 }), need({ itemId: 'gin', name: 'Gin', caseSize: 1, casePrice: 20, onHand: 1, par: 4 })],
      terms(),
    );
    expect(o.lines.map((l) => [l.itemId, l.cases])).toEqual([['gin', 3]]);
    expect(o.lines[0]!.reason).toBe('no forecast yet: order up to venue par 4 (all locations), 1 bottle on hand: 3 bottles');
  });

  it("says the stock in the item's unit, to two decimals", () => {
    // one decimal and no unit read "0.9 on hand" for 0.871 bottles
    const o = suggestOrder(
      [need({ onHand: 0.871 }), need({ itemId: 'ipa', name: 'IPA', unit: 'keg', caseSize: 1, onHand: 0.5, par: 3 })],
      terms(),
    );
    expect(o.lines.map((l) => l.reason)).toEqual([
      'no forecast yet: order up to venue par 6 (all locations), 0.87 bottles on hand: 1 case of 6',
      'no forecast yet: order up to venue par 3 (all locations), 0.5 kegs on hand: 3 kegs',
    ]);
  });

  it('below a minimum order value, whole cases go to the item that would run out soonest until it is met', () => {
    const needs = [
      need({ itemId: 'aperol', onHand: 2, par: 6 }), // 1 case, cover after (2 + 6) / 6 = 1.33
      need({ itemId: 'campari', name: 'Campari', casePrice: 50, onHand: 5, par: 10 }), // 1 case, cover (5 + 6) / 10 = 1.1
    ];
    const o = suggestOrder(needs, terms({ minOrderValue: 150 }));
    // 110 < 150: Campari has the lowest cover, gets a case → 160
    expect(o.lines.map((l) => [l.itemId, l.cases])).toEqual([
      ['aperol', 1],
      ['campari', 2],
    ]);
    expect(o.value).toBe(160);
    expect(o.minimumNote).toBe("topped up to the supplier's minimum order (150.00 in value)");
    expect(o.lines[1]!.reason).toContain("2 cases of 6 (1 case of 6 more than needed, to reach the supplier's minimum order)");
  });

  it('a minimum in units works the same way; an order already above its minimum is untouched', () => {
    expect(suggestOrder([need()], terms({ minOrderUnits: 12 })).lines[0]).toMatchObject({ cases: 2, units: 12 });
    const o = suggestOrder([need()], terms({ minOrderUnits: 6, minOrderValue: 10 }));
    expect(o.lines[0]).toMatchObject({ cases: 1 });
    expect(o.minimumNote).toBeNull();
  });

  it('nothing needed: no order, whatever the minimum; no prices: the value minimum cannot be met and it says so', () => {
    expect(suggestOrder([need({ onHand: 9 })], terms({ minOrderValue: 500 }))).toMatchObject({ lines: [], minimumNote: null });
    const o = suggestOrder([need({ casePrice: null })], terms({ minOrderValue: 500 }));
    expect(o.lines[0]).toMatchObject({ cases: 1 });
    expect(o.minimumNote).toMatch(/^below the supplier's minimum order \(500.00 in value\)/);
  });

  it('review period: the days between this ordering day and the next; a week when the supplier takes orders any day', () => {
    const wednesday = new Date('2026-12-02T09:00:00Z');
    expect(reviewDays([], wednesday)).toBe(7);
    expect(reviewDays([1], wednesday)).toBe(7);
    expect(reviewDays([1, 4], wednesday)).toBe(4); // next Thursday, then Monday
    expect(reviewDays([1, 3, 5], wednesday)).toBe(2); // today (Wednesday), then Friday
    expect(reviewDays([1, 2], wednesday)).toBe(1); // next Monday, then Tuesday
  });
});

/** Toast's order → checks → selections, read as PosOrder lines: modifiers, voids, refunds, split checks. */
import { describe, expect, it } from 'vitest';
import { toastOrder } from '../../src/pos/adapters/toast-order.js';
import { tabitOrder } from '../../src/pos/adapters/tabit.js';
import { toastOrderJson } from './toast-payloads.js';

const MARG = 'b1a4e1c2-0000-4000-8000-00000000marg';
const JAMO = 'b1a4e1c2-0000-4000-8000-00000000jamo';
const DOUBLE = 'b1a4e1c2-0000-4000-8000-0000000dbl';
const NEAT = 'b1a4e1c2-0000-4000-8000-000000neat';

describe('Toast order mapping', () => {
  it('reads a split bill: two checks, nested modifiers, a voided selection, a partial refund', () => {
    const order = toastOrder(
      toastOrderJson({
        guid: 'ord-1',
        modified: '2026-12-05T22:45:00.000+0000',
        checks: [
          {
            guid: 'chk-a',
            selections: [
              { guid: 's1', item: MARG, name: 'Margarita', qty: 2, price: 24, refund: 12 },
              {
                guid: 's2',
                item: JAMO,
                name: 'Jameson',
                qty: 1,
                price: 14,
                createdDate: '2026-12-05T22:10:00.000+0000',
                modifiers: [
                  {
                    guid: 'm1',
                    item: DOUBLE,
                    name: 'Double',
                    qty: 1,
                    price: 5,
                    modifiers: [{ guid: 'm2', item: NEAT, name: 'Neat', qty: 1, price: 0 }],
                  },
                  { guid: 'm3', item: 'ice', name: 'Rocks', qty: 1, price: 0, voided: true },
                ],
              },
            ],
          },
          { guid: 'chk-b', selections: [{ guid: 's3', item: MARG, name: 'Margarita', qty: 1, price: 12, voided: true }] },
        ],
      }),
    );
    expect(order).toMatchObject({ orderId: 'ord-1', version: Date.parse('2026-12-05T22:45:00.000Z'), canceled: false });
    expect(order.at.toISOString()).toBe('2026-12-05T21:29:00.000Z');
    expect(order.lines).toEqual([
      // one of two refunded: $12 of $24
      {
        uid: 's1',
        menuKey: MARG,
        menuName: 'Margarita',
        modifiers: [],
        quantity: 1,
        revenueCents: 1200,
        soldAt: new Date('2026-12-05T21:30:00Z'),
      },
      {
        uid: 's2',
        menuKey: JAMO,
        menuName: 'Jameson',
        // the modifier's own modifier counts; the voided one does not
        modifiers: [
          { key: DOUBLE, name: 'Double' },
          { key: NEAT, name: 'Neat' },
        ],
        quantity: 1,
        revenueCents: 1400,
        soldAt: new Date('2026-12-05T22:10:00Z'),
      },
      {
        uid: 's3',
        menuKey: MARG,
        menuName: 'Margarita',
        modifiers: [],
        quantity: 0,
        revenueCents: 0,
        soldAt: new Date('2026-12-05T21:30:00Z'),
      },
    ]);
  });

  it('voids every selection of a voided or merged (deleted) check, cancels a voided order, and skips gift card sales', () => {
    const json = toastOrderJson({
      guid: 'ord-2',
      modified: '2026-12-05T23:00:00.000+0000',
      checks: [
        { guid: 'c1', voided: true, selections: [{ guid: 'a', item: MARG, name: 'Margarita', qty: 1, price: 12 }] },
        { guid: 'c2', deleted: true, selections: [{ guid: 'b', item: JAMO, name: 'Jameson', qty: 2, price: 18 }] },
        {
          guid: 'c3',
          selections: [
            { guid: 'c', item: JAMO, name: 'Jameson', qty: 3, price: 27, refund: 27 },
            { guid: 'gift', item: 'gc', name: 'Gift card', qty: 1, price: 50, selectionType: 'TOAST_CARD_SELL' },
          ],
        },
      ],
    });
    const order = toastOrder(json);
    expect(order.lines.map((l) => [l.uid, l.quantity, l.revenueCents])).toEqual([
      ['a', 0, 0],
      ['b', 0, 0],
      ['c', 0, 0],
    ]);
    expect(toastOrder({ ...json, voided: true }).canceled).toBe(true);
    expect(toastOrder({ ...json, deleted: true }).canceled).toBe(true);
  });

  it('refuses an order without its GUID, naming the field', () => {
    expect(() => toastOrder({ checks: [] })).toThrow(/guid/);
  });
});

describe('Tabit order mapping (assumed shape)', () => {
  it('nets returns off items and cancels a voided order', () => {
    const raw = {
      id: 'tb-1',
      lastModified: '2026-12-05T21:40:00+02:00',
      openedAt: '2026-12-05T21:00:00+02:00',
      status: 'closed',
      items: [
        {
          id: 'i1',
          offerId: 'off-negroni',
          name: 'Negroni',
          quantity: 3,
          price: 150,
          returnedQuantity: 1,
          modifiers: [{ id: 'mod-dbl', name: 'כפול' }],
        },
        { id: 'i2', offerId: 'off-goldstar', name: 'Goldstar', quantity: 1, price: 32, voided: true },
      ],
    };
    const o = tabitOrder(raw);
    expect(o).toMatchObject({ orderId: 'tb-1', version: Date.parse('2026-12-05T19:40:00Z'), canceled: false });
    expect(o.lines.map((l) => [l.uid, l.menuKey, l.quantity, l.revenueCents, l.modifiers])).toEqual([
      ['i1', 'off-negroni', 2, 10000, [{ key: 'mod-dbl', name: 'כפול' }]],
      ['i2', 'off-goldstar', 0, 0, []],
    ]);
    expect(tabitOrder({ ...raw, status: 'voided' }).canceled).toBe(true);
  });
});

// The audit trail in the bar's words: kinds, names or short ids, and each row's detail.
import { describe, expect, it } from 'vitest';
import { actionWords, describeDetail, entityKind, entityLabel } from '../src/lib/audit-words';

describe('audit words', () => {
  it('names each kind as the owner calls it, and an unknown one in words', () => {
    expect(entityKind('purchase_order')).toBe('Order');
    expect(entityKind('user')).toBe('Person');
    expect(entityKind('stock_take')).toBe('Stock take');
  });

  it('says what was done in words', () => {
    // the person a password change is about is the row's "what": the action itself never shows the password
    expect(actionWords('change_password')).toBe('changed their password');
    expect(actionWords('add_barcode')).toBe('add barcode');
    expect(actionWords('create')).toBe('create');
  });

  it('shows the name, else a short id once the thing is gone, else nothing', () => {
    expect(entityLabel({ entityId: '0b0b0b0b-0000-4000-8000-000000000000', entityName: 'Grey Goose' })).toEqual({
      text: 'Grey Goose',
      gone: false,
    });
    expect(entityLabel({ entityId: '0b0b0b0b-0000-4000-8000-000000000000', entityName: null })).toEqual({ text: '0b0b0b0b', gone: true });
    // a device id or a slot path is already readable: kept whole
    expect(entityLabel({ entityId: 'anchor-edge-1/cam-1/slot-1', entityName: null })).toEqual({
      text: 'anchor-edge-1/cam-1/slot-1',
      gone: true,
    });
    expect(entityLabel({ entityId: null, entityName: null })).toBeNull();
  });

  it('reads a detail in words, not JSON', () => {
    expect(describeDetail({ fields: ['name', 'parLevel'] })).toBe('changed: name, par level');
    expect(describeDetail({ role: 'manager', was: 'bartender' })).toBe('role: manager · was: bartender');
    expect(describeDetail({ currency: { from: 'EUR', to: 'GBP' } })).toBe('currency: EUR → GBP');
    expect(describeDetail({ itemId: '0b0b0b0b-0000-4000-8000-000000000000', cases: 2, orderId: null })).toBe(
      'item id: 0b0b0b0b · cases: 2 · order id: none',
    );
    expect(describeDetail(null)).toBe('');
  });
});

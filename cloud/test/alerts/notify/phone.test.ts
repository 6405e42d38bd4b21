import { describe, expect, it } from 'vitest';
import { maskRecipient, toE164 } from '../../../src/alerts/notify/phone.js';

describe('phone numbers', () => {
  it('stores what people type as E.164', () => {
    expect(toE164('(512) 555-0100', 'US')).toBe('+15125550100');
    expect(toE164('07911 123456', 'GB')).toBe('+447911123456');
    expect(toE164('+44 7911 123456', 'US')).toBe('+447911123456');
  });
  it('refuses what is not a number, naming the field', () => {
    expect(() => toE164('call me', 'US')).toThrow(/^phone: cannot read/);
    expect(() => toE164('+1 555 01', 'US')).toThrow(/^phone: /);
  });
  it('masks recipients for logs', () => {
    expect(maskRecipient('+447700900123')).toBe('+4477•••0123');
    expect(maskRecipient('manager@example.com')).toBe('m•••@example.com');
    expect(maskRecipient('https://fcm.googleapis.com/fcm/send/abc')).toBe('fcm.googleapis.com/•••');
  });
});

import { describe, expect, it } from 'vitest';
import { maskRecipient, toE164 } from '../../../src/alerts/notify/phone.js';
import { countryOfTimeZone } from '../../../src/plugins/zone-country.js';

describe('phone numbers', () => {
  it('reads numbers typed as locals do in the venue country, stored as E.164', () => {
    // a London venue
    expect(toE164('07911 123456', 'GB')).toBe('+447911123456');
    expect(toE164('020 7946 0000', 'GB')).toBe('+442079460000');
    // an Austin venue
    expect(toE164('(512) 555-0100', 'US')).toBe('+15125550100');
    expect(toE164('512.555.0100', 'US')).toBe('+15125550100');
    // a Tel Aviv venue
    expect(toE164('050-765-4321', 'IL')).toBe('+972507654321');
    expect(toE164('054 765 4321', 'IL')).toBe('+972547654321');
  });

  it('a number typed with its own +code is read in that country, wherever the venue is', () => {
    expect(toE164('+44 7911 123456', 'US')).toBe('+447911123456');
    expect(toE164('+1 512 555 0100', 'IL')).toBe('+15125550100');
    expect(toE164('+972 50 765 4321', 'GB')).toBe('+972507654321');
  });

  it('a local number typed at a venue in another country is not silently read as that country', () => {
    // the US number typed as an American would, at a London venue: not a UK number
    expect(() => toE164('(512) 555-0100', 'GB')).toThrow('(512) 555-0100 is not a valid UK phone number');
  });

  it('refuses bad numbers in plain words, naming the country and the kind of number', () => {
    expect(() => toE164('07911 12345', 'GB', { mobile: true })).toThrow(/^07911 12345 is not a valid UK mobile number$/);
    expect(() => toE164('07911 12345', 'GB')).toThrow(/^07911 12345 is not a valid UK phone number$/);
    expect(() => toE164('555-01', 'US', { mobile: true })).toThrow(/^555-01 is not a valid US mobile number$/);
    expect(() => toE164('052-123-4567', 'IL', { mobile: true })).toThrow(/^052-123-4567 is not a valid Israel mobile number$/);
    expect(() => toE164('+1 555 01', 'US')).toThrow(/^\+1 555 01 is not a valid phone number in any country$/);
    expect(() => toE164('call me', 'US')).toThrow(/^call me is not a phone number: type it as you would dial it, e.g. \(512\) 555-0100$/);
    expect(() => toE164('  ', 'GB')).toThrow(/^an empty value is not a phone number/);
  });

  it('a landline is refused where a mobile is needed (text messages), except where the plan cannot tell', () => {
    expect(() => toE164('020 7946 0000', 'GB', { mobile: true })).toThrow(
      /^020 7946 0000 is a UK landline: text messages need a mobile number$/,
    );
    expect(() => toE164('03-123-4567', 'IL', { mobile: true })).toThrow(/Israel landline/);
    // US numbers are "fixed line or mobile": the plan cannot tell, so they pass
    expect(toE164('(512) 555-0100', 'US', { mobile: true })).toBe('+15125550100');
  });

  it("a venue's country comes from its time zone when it has none", () => {
    expect(countryOfTimeZone('Europe/London')).toBe('GB');
    expect(countryOfTimeZone('America/Chicago')).toBe('US');
    expect(countryOfTimeZone('Asia/Jerusalem')).toBe('IL');
    // old names by their canonical zone
    expect(countryOfTimeZone('Asia/Tel_Aviv')).toBe('IL');
    expect(countryOfTimeZone('US/Eastern')).toBe('US');
    expect(countryOfTimeZone('UTC')).toBeUndefined();
    expect(countryOfTimeZone('Mars/Olympus')).toBeUndefined();
  });

  it('masks recipients for logs', () => {
    expect(maskRecipient('+447700900123')).toBe('+4477•••0123');
    expect(maskRecipient('manager@example.com')).toBe('m•••@example.com');
    expect(maskRecipient('https://fcm.googleapis.com/fcm/send/abc')).toBe('fcm.googleapis.com/•••');
  });
});

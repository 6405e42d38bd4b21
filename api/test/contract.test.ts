import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as api from '../src/index.js';
import { PASSWORD_MIN_LENGTH } from '../src/rules.js';

const schemas = Object.entries(api as Record<string, unknown>).filter((e): e is [string, z.ZodType] => e[1] instanceof z.ZodType);

describe('@smartstock/api', () => {
  it('sends an instant as ISO 8601 and reads it back as a Date', () => {
    const at = new Date('2026-12-06T01:10:00.000Z');
    expect(api.timestamp.encode(at)).toBe('2026-12-06T01:10:00.000Z');
    expect(api.timestamp.decode('2026-12-06T02:10:00+01:00')).toEqual(at);
    expect(api.timestamp.safeDecode('yesterday').error).toBeDefined();
  });

  it('refuses a field the contract does not name, and a missing one', () => {
    const venue = {
      id: crypto.randomUUID(),
      orgId: crypto.randomUUID(),
      name: 'The Anchor',
      timezone: 'UTC',
      country: null,
      currency: 'GBP',
      currencyOverride: null,
    };
    expect(api.venue.safeEncode(venue).error).toBeUndefined();
    expect(api.venue.safeEncode({ ...venue, secret: 'x' } as never).error?.issues[0]).toMatchObject({
      code: 'unrecognized_keys',
      keys: ['secret'],
    });
    const { timezone: _timezone, ...missing } = venue;
    expect(api.venue.safeEncode(missing as never).error?.issues[0]?.path).toEqual(['timezone']);
  });

  it('reads a currency as an ISO 4217 code Intl can format, in any case, and refuses anything else', () => {
    expect(api.currencyCode.parse(' gbp ')).toBe('GBP');
    expect(api.currencyCode.parse('JPY')).toBe('JPY');
    for (const bad of ['XYZ', 'EURO', '€', '', 'US$'])
      expect(api.currencyCode.safeParse(bad).error?.issues[0]?.message, bad).toMatch(/ISO 4217 currency code such as EUR/);
    expect(api.organisationUpdateBody.safeParse({ currency: 'ABC' }).error?.issues[0]?.path).toEqual(['currency']);
  });

  it('tells live messages apart by type', () => {
    const device = { type: 'device', cursor: 7, data: { deviceId: 'anchor-pi-1', online: false, lastSeenAt: null } };
    expect(api.liveMessage.parse(device)).toEqual(device);
    expect(api.liveMessage.safeParse({ ...device, type: 'weather' }).error?.issues[0]?.code).toBe('invalid_union');
    expect(api.liveMessage.safeParse({ ...device, type: 'stock' }).error).toBeDefined();
  });

  it('every schema turns into JSON Schema for the OpenAPI document', () => {
    expect(schemas.length).toBeGreaterThan(30);
    for (const [name, s] of schemas) {
      expect(() => z.toJSONSchema(s, { io: 'output', unrepresentable: 'any' }), name).not.toThrow();
      expect(() => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }), name).not.toThrow();
    }
  });

  it('holds every new password to one rule, the one the dashboard says', () => {
    // sign-up, an invitation accepted, a first password from the owner, a change: one schema, not four copies of min(12)
    for (const body of [api.signupBody, api.acceptInvitationBody, api.inviteBody, api.changePasswordBody])
      expect(body.shape.password).toBe(api.newPassword);
    expect(api.newPassword.safeParse('x'.repeat(PASSWORD_MIN_LENGTH - 1)).error?.issues[0]).toMatchObject({ code: 'too_small' });
    expect(api.newPassword.safeParse('x'.repeat(PASSWORD_MIN_LENGTH)).success).toBe(true);
  });
});

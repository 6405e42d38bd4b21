import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '@smartstock/runtime';
import { ALERTS_ENV, alertsConfigSchema } from '../../src/alerts/config.js';

/** The section as the cloud config embeds it. */
const cloud = z.object({ alerts: alertsConfigSchema.prefault({}) }).strict();
const load = (environment: Record<string, string>, overrides: Record<string, unknown> = {}) =>
  loadConfig(cloud, { env: ALERTS_ENV, environment, overrides });

describe('alerts config', () => {
  it('defaults to the log channel for everything', () => {
    const c = load({}).alerts;
    expect(c.notify.sms.provider).toBe('log');
    expect(c.notify.email.smtpUrl).toBeUndefined();
    expect(c.rules.lowStock).toEqual({
      debounce: { raiseAfterReadings: 3, raiseAfterSeconds: 600, clearAfterReadings: 2 },
      clearMargin: 0.5,
    });
  });

  it('reads the gateways from the environment', () => {
    const c = load({
      SMS_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'secret',
      TWILIO_FROM: '+15125550199',
      SMTP_URL: 'smtps://u:p@mail.example:465',
    }).alerts;
    expect(c.notify.sms).toMatchObject({ provider: 'twilio', twilio: { from: '+15125550199' } });
    expect(c.notify.email.smtpUrl).toBe('smtps://u:p@mail.example:465');
  });

  it('names the key that is wrong', () => {
    expect(() => load({ SMS_PROVIDER: 'twilio' })).toThrow(/^config error: alerts\.notify\.sms\.twilio: twilio needs accountSid/);
    expect(() => load({ SMS_PROVIDER: 'pigeon' })).toThrow(/^config error: alerts\.notify\.sms\.provider: .*\(from env SMS_PROVIDER\)$/);
    expect(() => load({}, { 'alerts.rules.lowStock.clearMargin': -1 })).toThrow(/^config error: alerts\.rules\.lowStock\.clearMargin/);
    expect(() => load({}, { 'alerts.rules.lowStock.surprise': 1 })).toThrow(/^config error: alerts\.rules\.lowStock/);
  });
});

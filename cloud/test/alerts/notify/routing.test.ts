import { describe, expect, it } from 'vitest';
import { localMinutes, quietUntil, route } from '../../../src/alerts/notify/routing.js';
import type { NotificationSettings } from '../../../src/alerts/notify/settings.repository.js';

const person = (userId: string, s: Partial<NotificationSettings> = {}): NotificationSettings => ({
  orgId: 'o',
  userId,
  venueId: 'v',
  role: 'manager',
  displayName: null,
  phoneE164: '+447911123456',
  email: 'm@example.com',
  channels: ['sms', 'email', 'log'],
  rules: null,
  quietStart: null,
  quietEnd: null,
  dailySummary: false,
  enabled: true,
  ...s,
});
const at = (iso: string) => new Date(iso);

describe('routing', () => {
  it('sends each rule to the roles that care, on each of their channels', () => {
    const recipients = [
      person('mgr'),
      person('tech', { role: 'technician', channels: ['sms'] }),
      person('own', { role: 'owner', channels: ['email'] }),
    ];
    const r = (rule: string, kind: 'alert' | 'escalation' = 'alert') =>
      route({ kind, rule, now: at('2026-11-20T18:00:00Z'), timezone: 'UTC', recipients, push: new Map() }).map(
        (x) => `${x.userId}:${x.channel}`,
      );
    expect(r('low_stock')).toEqual(['mgr:sms', 'mgr:email', 'mgr:log', 'own:email']);
    expect(r('camera_stale')).toEqual(['tech:sms']);
    expect(r('out_of_stock')).toEqual(['mgr:sms', 'mgr:email', 'mgr:log', 'own:email']);
    expect(r('low_stock', 'escalation')).toEqual(['own:email']);
  });

  it('a person’s own rule list replaces the role default; disabled people get nothing; no address, no row', () => {
    const recipients = [
      person('a', { rules: ['camera_stale'] }),
      person('b', { enabled: false }),
      person('c', { phoneE164: null, channels: ['sms'] }),
    ];
    const r = route({ kind: 'alert', rule: 'camera_stale', now: at('2026-11-20T18:00:00Z'), timezone: 'UTC', recipients, push: new Map() });
    expect(r.map((x) => `${x.userId}:${x.channel}`)).toEqual(['a:sms', 'a:email', 'a:log']);
  });

  it('holds texts in quiet hours (wrapping midnight, in the venue’s zone) until they end, but never the log', () => {
    const quiet = person('q', { quietStart: 22 * 60, quietEnd: 7 * 60 + 30 });
    const r = route({
      kind: 'alert',
      rule: 'low_stock',
      now: at('2026-07-01T22:15:00Z'),
      timezone: 'Europe/London',
      recipients: [quiet],
      push: new Map(),
    });
    // 23:15 BST → held until 07:30 BST = 06:30Z
    expect(r.map((x) => [x.channel, x.held, x.releaseAt?.toISOString() ?? null])).toEqual([
      ['sms', true, '2026-07-02T06:30:00.000Z'],
      ['email', true, '2026-07-02T06:30:00.000Z'],
      ['log', false, null],
    ]);
  });

  it('quiet hours boundaries', () => {
    const q = { quietStart: 22 * 60, quietEnd: 8 * 60 };
    expect(quietUntil(q, at('2026-11-20T21:59:00Z'), 'UTC')).toBeNull();
    expect(quietUntil(q, at('2026-11-20T22:00:00Z'), 'UTC')?.toISOString()).toBe('2026-11-21T08:00:00.000Z');
    expect(quietUntil(q, at('2026-11-21T07:59:00Z'), 'UTC')?.toISOString()).toBe('2026-11-21T08:00:00.000Z');
    expect(quietUntil(q, at('2026-11-21T08:00:00Z'), 'UTC')).toBeNull();
    expect(quietUntil({ quietStart: 60, quietEnd: 300 }, at('2026-11-21T02:00:00Z'), 'UTC')?.toISOString()).toBe(
      '2026-11-21T05:00:00.000Z',
    );
    expect(localMinutes(at('2026-11-21T02:00:00Z'), 'America/New_York')).toBe(21 * 60);
  });
});

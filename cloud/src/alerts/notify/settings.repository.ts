import type { Queryable } from '../../db/types.js';
import type { ChannelName } from './channels/channel.js';
import type { Role } from '../../plugins/principal.js';

/** Who hears about what at one venue. Phone is E.164 (the service validates it before it gets here). */
export interface NotificationSettings {
  orgId: string;
  userId: string;
  venueId: string;
  /** From the person's membership: read, never written here. */
  role: Role;
  displayName: string | null;
  phoneE164: string | null;
  email: string | null;
  channels: ChannelName[];
  /** null: the role's default rules. */
  rules: string[] | null;
  /** Minutes after local midnight; both null means no quiet hours. */
  quietStart: number | null;
  quietEnd: number | null;
  dailySummary: boolean;
  enabled: boolean;
}

export interface PushSubscription {
  endpoint: string;
  p256dh: string;
  auth: string;
}

export type SettingsInput = Omit<NotificationSettings, 'role'>;

/** Settings joined to the membership (the role) and the user (a disabled user hears nothing; their sign-in e-mail is the default). */
const SELECT = `SELECT s.org_id AS "orgId", s.user_id AS "userId", s.venue_id AS "venueId", m.role,
  COALESCE(s.display_name, u.name) AS "displayName", s.phone_e164 AS "phoneE164", COALESCE(s.email, u.email) AS email,
  s.channels, s.rules, s.quiet_start AS "quietStart", s.quiet_end AS "quietEnd", s.daily_summary AS "dailySummary",
  s.enabled AND u.disabled_at IS NULL AS enabled
  FROM notification_settings s JOIN memberships m ON m.org_id = s.org_id AND m.user_id = s.user_id JOIN users u ON u.id = s.user_id`;

export class NotificationSettingsRepository {
  constructor(private readonly db: Queryable) {}

  async upsert(s: SettingsInput): Promise<NotificationSettings> {
    await this.db.query(
      `INSERT INTO notification_settings (org_id, user_id, venue_id, display_name, phone_e164, email, channels, rules, quiet_start, quiet_end, daily_summary, enabled, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8::text[], $9, $10, $11, $12, now())
       ON CONFLICT (org_id, user_id, venue_id) DO UPDATE SET display_name = EXCLUDED.display_name,
         phone_e164 = EXCLUDED.phone_e164, email = EXCLUDED.email, channels = EXCLUDED.channels, rules = EXCLUDED.rules,
         quiet_start = EXCLUDED.quiet_start, quiet_end = EXCLUDED.quiet_end, daily_summary = EXCLUDED.daily_summary,
         enabled = EXCLUDED.enabled, updated_at = now()`,
      [
        s.orgId,
        s.userId,
        s.venueId,
        s.displayName,
        s.phoneE164,
        s.email,
        s.channels,
        s.rules,
        s.quietStart,
        s.quietEnd,
        s.dailySummary,
        s.enabled,
      ],
    );
    return (await this.get(s.orgId, s.userId, s.venueId))!;
  }

  async get(orgId: string, userId: string, venueId: string): Promise<NotificationSettings | undefined> {
    const { rows } = await this.db.query<NotificationSettings>(`${SELECT} WHERE s.org_id = $1 AND s.user_id = $2 AND s.venue_id = $3`, [
      orgId,
      userId,
      venueId,
    ]);
    return rows[0];
  }

  async listForUser(orgId: string, userId: string): Promise<NotificationSettings[]> {
    const { rows } = await this.db.query<NotificationSettings>(`${SELECT} WHERE s.org_id = $1 AND s.user_id = $2 ORDER BY s.venue_id`, [
      orgId,
      userId,
    ]);
    return rows;
  }

  async listForVenue(orgId: string, venueId: string): Promise<NotificationSettings[]> {
    const { rows } = await this.db.query<NotificationSettings>(
      `${SELECT} WHERE s.org_id = $1 AND s.venue_id = $2 AND s.enabled AND u.disabled_at IS NULL ORDER BY s.user_id`,
      [orgId, venueId],
    );
    return rows;
  }

  /**
   * Members who have not set anything for this venue: they hear through the
   * log channel only, by their role's rules. So a fresh install (the demo)
   * records every alert in the notifications table and the log, and nobody is
   * texted or mailed without having given a number or address.
   */
  async defaultsForVenue(orgId: string, venueId: string): Promise<NotificationSettings[]> {
    const { rows } = await this.db.query<NotificationSettings>(
      `SELECT m.org_id AS "orgId", m.user_id AS "userId", $2::uuid AS "venueId", m.role, u.name AS "displayName",
              NULL AS "phoneE164", u.email, ARRAY['log']::text[] AS channels, NULL::text[] AS rules,
              NULL::smallint AS "quietStart", NULL::smallint AS "quietEnd", false AS "dailySummary", true AS enabled
       FROM memberships m JOIN users u ON u.id = m.user_id
       WHERE m.org_id = $1 AND u.disabled_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM notification_settings s WHERE s.org_id = m.org_id AND s.user_id = m.user_id AND s.venue_id = $2)
       ORDER BY m.user_id`,
      [orgId, venueId],
    );
    return rows;
  }

  /**
   * listForVenue and defaultsForVenue for several venues of one organisation, two statements in all
   * (a chunk's alerts): the configured first, then the defaults, each by venue and person.
   */
  async recipientsForVenues(orgId: string, venueIds: readonly string[]): Promise<NotificationSettings[]> {
    if (!venueIds.length) return [];
    const configured = await this.db.query<NotificationSettings>(
      `${SELECT} WHERE s.org_id = $1 AND s.venue_id = ANY($2::uuid[]) AND s.enabled AND u.disabled_at IS NULL ORDER BY s.venue_id, s.user_id`,
      [orgId, [...venueIds]],
    );
    const defaults = await this.db.query<NotificationSettings>(
      `SELECT m.org_id AS "orgId", m.user_id AS "userId", x.v AS "venueId", m.role, u.name AS "displayName",
              NULL AS "phoneE164", u.email, ARRAY['log']::text[] AS channels, NULL::text[] AS rules,
              NULL::smallint AS "quietStart", NULL::smallint AS "quietEnd", false AS "dailySummary", true AS enabled
       FROM unnest($2::uuid[]) AS x(v) CROSS JOIN memberships m JOIN users u ON u.id = m.user_id
       WHERE m.org_id = $1 AND u.disabled_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM notification_settings s WHERE s.org_id = m.org_id AND s.user_id = m.user_id AND s.venue_id = x.v)
       ORDER BY x.v, m.user_id`,
      [orgId, [...venueIds]],
    );
    return [...configured.rows, ...defaults.rows];
  }

  /** Several venues' time zones, by venue id (a venue not found is left out). */
  async venueTimezones(orgId: string, venueIds: readonly string[]): Promise<Map<string, string>> {
    const { rows } = await this.db.query<{ id: string; timezone: string }>(
      'SELECT id, timezone FROM venues WHERE org_id = $1 AND id = ANY($2::uuid[])',
      [orgId, [...venueIds]],
    );
    return new Map(rows.map((row) => [row.id, row.timezone]));
  }

  /** Several people's push subscriptions, by user id, each person's oldest first. */
  async pushSubscriptionsOf(orgId: string, userIds: readonly string[]): Promise<Map<string, PushSubscription[]>> {
    const out = new Map<string, PushSubscription[]>(userIds.map((id) => [id, []]));
    if (!userIds.length) return out;
    const { rows } = await this.db.query<PushSubscription & { userId: string }>(
      'SELECT user_id AS "userId", endpoint, p256dh, auth FROM push_subscriptions WHERE org_id = $1 AND user_id = ANY($2::uuid[]) ORDER BY created_at',
      [orgId, [...userIds]],
    );
    for (const { userId, ...subscription } of rows) out.get(userId)?.push(subscription);
    return out;
  }

  /** Venues where someone wants the daily summary, across organisations (the scheduler). */
  async summaryVenues(): Promise<{ orgId: string; venueId: string; venueName: string; timezone: string }[]> {
    const { rows } = await this.db.query<{ orgId: string; venueId: string; venueName: string; timezone: string }>(
      `SELECT DISTINCT s.org_id AS "orgId", s.venue_id AS "venueId", v.name AS "venueName", v.timezone
       FROM notification_settings s JOIN venues v ON v.org_id = s.org_id AND v.id = s.venue_id
       WHERE s.daily_summary AND s.enabled`,
    );
    return rows;
  }

  /** The venue's country and time zone (phone numbers are read in its country); undefined: no such venue. */
  async venuePlace(orgId: string, venueId: string): Promise<{ country: string | null; timezone: string } | undefined> {
    const { rows } = await this.db.query<{ country: string | null; timezone: string }>(
      'SELECT country, timezone FROM venues WHERE org_id = $1 AND id = $2',
      [orgId, venueId],
    );
    return rows[0];
  }

  async venueTimezone(orgId: string, venueId: string): Promise<string> {
    const { rows } = await this.db.query<{ timezone: string }>('SELECT timezone FROM venues WHERE org_id = $1 AND id = $2', [
      orgId,
      venueId,
    ]);
    return rows[0]?.timezone ?? 'UTC';
  }

  async addPushSubscription(orgId: string, userId: string, s: PushSubscription): Promise<void> {
    await this.db.query(
      `INSERT INTO push_subscriptions (org_id, user_id, endpoint, p256dh, auth) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (org_id, user_id, endpoint) DO UPDATE SET p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth`,
      [orgId, userId, s.endpoint, s.p256dh, s.auth],
    );
  }

  async pushSubscriptions(orgId: string, userId: string): Promise<PushSubscription[]> {
    const { rows } = await this.db.query<PushSubscription>(
      'SELECT endpoint, p256dh, auth FROM push_subscriptions WHERE org_id = $1 AND user_id = $2 ORDER BY created_at',
      [orgId, userId],
    );
    return rows;
  }

  async pushSubscription(orgId: string, userId: string, endpoint: string): Promise<PushSubscription | undefined> {
    const { rows } = await this.db.query<PushSubscription>(
      'SELECT endpoint, p256dh, auth FROM push_subscriptions WHERE org_id = $1 AND user_id = $2 AND endpoint = $3',
      [orgId, userId, endpoint],
    );
    return rows[0];
  }

  /** The push service said the subscription is gone (404/410): stop using it. */
  async removePushSubscription(orgId: string, userId: string, endpoint: string): Promise<void> {
    await this.db.query('DELETE FROM push_subscriptions WHERE org_id = $1 AND user_id = $2 AND endpoint = $3', [orgId, userId, endpoint]);
  }
}

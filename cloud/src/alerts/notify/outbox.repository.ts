import type { Queryable } from '../../db/types.js';
import type { ChannelName, OutgoingMessage } from './channels/channel.js';

/** failed: an attempt failed and another is scheduled; dead: no more attempts (the failed-delivery list). */
export type NotificationStatus = 'pending' | 'sending' | 'held' | 'sent' | 'failed' | 'dead' | 'digested';
export type NotificationKind = 'alert' | 'escalation' | 'resolved' | 'digest' | 'daily_summary' | 'test';

export interface NewNotification {
  orgId: string;
  venueId: string | null;
  userId: string | null;
  alertId: string | null;
  kind: NotificationKind;
  channel: ChannelName;
  recipient: string;
  subject: string | null;
  body: string;
  /** 'held' waits for releaseAt (quiet hours), then joins the morning digest. */
  status: 'pending' | 'held';
  releaseAt: Date | null;
  dedupeKey: string | null;
  at: Date;
}

export interface Notification extends OutgoingMessage {
  venueId: string | null;
  alertId: string | null;
  status: NotificationStatus;
  attempts: number;
  nextAttemptAt: Date;
  releaseAt: Date | null;
  lastError: string | null;
  provider: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

const COLUMNS = `id, org_id AS "orgId", venue_id AS "venueId", user_id AS "userId", alert_id AS "alertId", kind, channel,
  recipient, subject, body, status, attempts, next_attempt_at AS "nextAttemptAt", release_at AS "releaseAt",
  last_error AS "lastError", provider, created_at AS "createdAt", sent_at AS "sentAt"`;

/** The notification outbox. Cross-organisation methods serve the worker only; the routes use the org-scoped ones. */
export class OutboxRepository {
  constructor(private readonly db: Queryable) {}

  /** Inserts; a row whose dedupe key exists already is skipped (scheduled messages from several instances). */
  async enqueue(n: NewNotification): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `INSERT INTO notifications (org_id, venue_id, user_id, alert_id, kind, channel, recipient, subject, body, status, next_attempt_at, release_at, dedupe_key, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $11)
       ON CONFLICT (org_id, dedupe_key) DO NOTHING`,
      [
        n.orgId,
        n.venueId,
        n.userId,
        n.alertId,
        n.kind,
        n.channel,
        n.recipient,
        n.subject,
        n.body,
        n.status,
        n.at,
        n.releaseAt,
        n.dedupeKey,
      ],
    );
    return rowCount > 0;
  }

  /** enqueue for several rows with one statement; how many were new. */
  async enqueueMany(ns: readonly NewNotification[]): Promise<number> {
    if (!ns.length) return 0;
    const { rowCount } = await this.db.query(
      `INSERT INTO notifications (org_id, venue_id, user_id, alert_id, kind, channel, recipient, subject, body, status, next_attempt_at, release_at, dedupe_key, created_at)
       SELECT o, v, u, a, k, c, r, s, b, st, t, rl, d, t
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
                   $11::timestamptz[], $12::timestamptz[], $13::text[]) AS x(o, v, u, a, k, c, r, s, b, st, t, rl, d)
       ON CONFLICT (org_id, dedupe_key) DO NOTHING`,
      [
        ns.map((n) => n.orgId),
        ns.map((n) => n.venueId),
        ns.map((n) => n.userId),
        ns.map((n) => n.alertId),
        ns.map((n) => n.kind),
        ns.map((n) => n.channel),
        ns.map((n) => n.recipient),
        ns.map((n) => n.subject),
        ns.map((n) => n.body),
        ns.map((n) => n.status),
        ns.map((n) => n.at),
        ns.map((n) => n.releaseAt),
        ns.map((n) => n.dedupeKey),
      ],
    );
    return rowCount;
  }

  /**
   * Takes up to `limit` due rows for sending. The lease (next_attempt_at moved
   * ahead) is what makes a crashed sender's rows due again; SKIP LOCKED keeps
   * two workers from taking the same row.
   */
  async claim(now: Date, leaseMs: number, limit: number): Promise<Notification[]> {
    const { rows } = await this.db.query<Notification>(
      `UPDATE notifications SET status = 'sending', next_attempt_at = $2
       WHERE id IN (SELECT id FROM notifications WHERE status IN ('pending', 'failed', 'sending') AND next_attempt_at <= $1
                    ORDER BY next_attempt_at, created_at LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING ${COLUMNS}`,
      [now, new Date(now.getTime() + leaseMs), limit],
    );
    return rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  async markSent(id: string, at: Date, provider: string, providerMessageId: string | undefined): Promise<void> {
    await this.db.query(
      `UPDATE notifications SET status = 'sent', sent_at = $2, provider = $3, provider_message_id = $4, last_error = NULL WHERE id = $1`,
      [id, at, provider, providerMessageId ?? null],
    );
  }

  /** A failed attempt: counted, and tried again at `retryAt`. */
  async markFailed(id: string, error: string, retryAt: Date): Promise<void> {
    await this.db.query(
      `UPDATE notifications SET status = 'failed', attempts = attempts + 1, last_error = $2, next_attempt_at = $3 WHERE id = $1`,
      [id, error, retryAt],
    );
  }

  /** Not tried (breaker open, rate limit): waits without spending an attempt. */
  async defer(id: string, until: Date, reason: string): Promise<void> {
    await this.db.query(`UPDATE notifications SET status = 'pending', next_attempt_at = $2, last_error = $3 WHERE id = $1`, [
      id,
      until,
      reason,
    ]);
  }

  async markDead(id: string, error: string, countAttempt: boolean): Promise<void> {
    await this.db.query(`UPDATE notifications SET status = 'dead', attempts = attempts + $3, last_error = $2 WHERE id = $1`, [
      id,
      error,
      countAttempt ? 1 : 0,
    ]);
  }

  /** SMS sent to one number in the window, and the oldest of them (when the next slot frees up). */
  /** The newest open alert texted to this number in the last day, and whom it was sent to: what an SMS reply "OK" acknowledges. */
  async latestOpenAlertTextedTo(recipient: string): Promise<{ orgId: string; alertId: string; userId: string | null } | undefined> {
    const { rows } = await this.db.query<{ orgId: string; alertId: string; userId: string | null }>(
      `SELECT n.org_id AS "orgId", n.alert_id AS "alertId", n.user_id AS "userId" FROM notifications n
       JOIN alerts a ON a.id = n.alert_id AND a.state IN ('raised', 'escalated')
       WHERE n.channel = 'sms' AND n.recipient = $1 AND n.status = 'sent' AND n.sent_at > now() - interval '1 day'
       ORDER BY n.sent_at DESC LIMIT 1`,
      [recipient],
    );
    return rows[0];
  }

  async sentTo(channel: ChannelName, recipient: string, since: Date): Promise<{ count: number; oldest: Date | null }> {
    const { rows } = await this.db.query<{ count: number; oldest: Date | null }>(
      `SELECT count(*)::int AS count, min(sent_at) AS oldest FROM notifications WHERE channel = $1 AND recipient = $2 AND status = 'sent' AND sent_at > $3`,
      [channel, recipient, since],
    );
    return rows[0]!;
  }

  /** Held rows whose quiet hours are over, locked for the caller's transaction. */
  async lockReleasable(now: Date, limit = 500): Promise<Notification[]> {
    const { rows } = await this.db.query<Notification>(
      `SELECT ${COLUMNS} FROM notifications WHERE status = 'held' AND release_at <= $1 ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit],
    );
    return rows;
  }

  async setStatus(ids: string[], status: 'pending' | 'digested', at: Date): Promise<void> {
    await this.db.query(`UPDATE notifications SET status = $2, next_attempt_at = $3 WHERE id = ANY($1::uuid[])`, [ids, status, at]);
  }

  async list(
    orgId: string,
    f: { statuses?: NotificationStatus[]; venueId?: string; limit?: number; before?: Date } = {},
  ): Promise<Notification[]> {
    const { rows } = await this.db.query<Notification>(
      `SELECT ${COLUMNS} FROM notifications WHERE org_id = $1 AND ($2::text[] IS NULL OR status = ANY($2::text[]))
       AND ($3::uuid IS NULL OR venue_id = $3) AND ($4::timestamptz IS NULL OR created_at < $4)
       ORDER BY created_at DESC, id LIMIT $5`,
      [orgId, f.statuses ?? null, f.venueId ?? null, f.before ?? null, f.limit ?? 100],
    );
    return rows;
  }

  /** A person sends a dead-lettered message again: a fresh set of attempts. */
  async retryDead(orgId: string, id: string, now: Date): Promise<Notification | undefined> {
    const { rows } = await this.db.query<Notification>(
      `UPDATE notifications SET status = 'pending', attempts = 0, next_attempt_at = $3 WHERE org_id = $1 AND id = $2 AND status = 'dead' RETURNING ${COLUMNS}`,
      [orgId, id, now],
    );
    return rows[0];
  }

  /** Outbox depth by state, for the health page and the "outbox backing up" signal. */
  /** The rows one enqueue wrote, by the dedupe key it gave them (a test message's answer). */
  async byDedupeKey(orgId: string, dedupeKey: string): Promise<Notification[]> {
    const { rows } = await this.db.query<Notification>(`SELECT ${COLUMNS} FROM notifications WHERE org_id = $1 AND dedupe_key = $2`, [
      orgId,
      dedupeKey,
    ]);
    return rows;
  }

  async depth(): Promise<Record<string, number>> {
    const { rows } = await this.db.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM notifications WHERE status IN ('pending', 'failed', 'sending', 'held', 'dead') GROUP BY status`,
    );
    return Object.fromEntries(rows.map((row) => [row.status, row.n]));
  }
}

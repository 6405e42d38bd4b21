import type { Queryable } from '../db/types.js';
import type { ConditionState } from './hysteresis.js';
import type { AlertState, RuleName, Severity, Subject } from './rules.js';

export interface Alert {
  id: string;
  orgId: string;
  venueId: string;
  rule: RuleName;
  subjectKey: string;
  itemId: string | null;
  locationId: string | null;
  deviceId: string | null;
  cameraId: string | null;
  severity: Severity;
  state: AlertState;
  message: string;
  details: Record<string, unknown>;
  raisedAt: Date;
  escalatedAt: Date | null;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  updatedAt: Date;
}

export interface AlertEvent {
  id: string;
  state: AlertState;
  at: Date;
  byUser: string | null;
  note: string | null;
}

export const ALERT_COLUMNS = `id, org_id AS "orgId", venue_id AS "venueId", rule, subject_key AS "subjectKey", item_id AS "itemId",
  location_id AS "locationId", device_id AS "deviceId", camera_id AS "cameraId", severity, state, message, details,
  raised_at AS "raisedAt", escalated_at AS "escalatedAt", acknowledged_at AS "acknowledgedAt",
  acknowledged_by AS "acknowledgedBy", resolved_at AS "resolvedAt", resolved_by AS "resolvedBy", updated_at AS "updatedAt"`;

/** Which states a person or the engine may move an alert to, from which. */
const FROM: Record<Exclude<AlertState, 'raised'>, AlertState[]> = {
  escalated: ['raised'],
  acknowledged: ['raised', 'escalated'],
  resolved: ['raised', 'escalated', 'acknowledged'],
};

export interface NewAlert {
  orgId: string;
  venueId: string;
  rule: RuleName;
  subject: Subject;
  severity: Severity;
  message: string;
  details: Record<string, unknown>;
  at: Date;
}

export interface AlertFilter {
  venueId?: string | undefined;
  states?: AlertState[] | undefined;
  limit?: number | undefined;
  /** raised_at strictly before this (cursor pagination, newest first). */
  before?: Date | undefined;
}

/** Alerts, their history and the hysteresis state behind them. Every method takes the org id. */
export class AlertRepository {
  constructor(private readonly db: Queryable) {}

  async lockCondition(orgId: string, rule: RuleName, subjectKey: string): Promise<ConditionState | undefined> {
    const { rows } = await this.db.query<{ state: ConditionState }>(
      'SELECT state FROM alert_conditions WHERE org_id = $1 AND rule = $2 AND subject_key = $3 FOR UPDATE',
      [orgId, rule, subjectKey],
    );
    return rows[0]?.state;
  }

  async saveCondition(c: {
    orgId: string;
    venueId: string;
    rule: RuleName;
    subjectKey: string;
    state: ConditionState;
    raiseAt: Date | null;
    at: Date;
  }): Promise<void> {
    if (!c.state.active && c.state.breachCount === 0 && c.state.breachSince === null) {
      // Idle conditions are the normal case for thousands of items: keep no row.
      await this.db.query('DELETE FROM alert_conditions WHERE org_id = $1 AND rule = $2 AND subject_key = $3', [
        c.orgId,
        c.rule,
        c.subjectKey,
      ]);
      return;
    }
    await this.db.query(
      `INSERT INTO alert_conditions (org_id, rule, subject_key, venue_id, state, raise_at, updated_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)
       ON CONFLICT (org_id, rule, subject_key) DO UPDATE SET state = EXCLUDED.state, raise_at = EXCLUDED.raise_at, updated_at = EXCLUDED.updated_at`,
      [c.orgId, c.rule, c.subjectKey, c.venueId, JSON.stringify(c.state), c.raiseAt, c.at],
    );
  }

  /**
   * lockCondition for several (rule, subject) pairs at once, locked in one order (rule, subject) so two
   * writers never wait on each other crosswise; as 'rule subjectKey' → state, absent where none is held.
   */
  async lockConditions(orgId: string, keys: readonly { rule: RuleName; subjectKey: string }[]): Promise<Map<string, ConditionState>> {
    if (!keys.length) return new Map();
    const { rows } = await this.db.query<{ rule: string; key: string; state: ConditionState }>(
      `SELECT rule, subject_key AS key, state FROM alert_conditions
       WHERE org_id = $1 AND (rule, subject_key) IN (SELECT r, k FROM unnest($2::text[], $3::text[]) AS x(r, k))
       ORDER BY rule, subject_key FOR UPDATE`,
      [orgId, keys.map((k) => k.rule), keys.map((k) => k.subjectKey)],
    );
    return new Map(rows.map((row) => [`${row.rule} ${row.key}`, row.state]));
  }

  /** saveCondition for several conditions of one organisation (one pair once): two statements, not one a condition. */
  async saveConditions(
    orgId: string,
    cs: readonly { venueId: string; rule: RuleName; subjectKey: string; state: ConditionState; raiseAt: Date | null; at: Date }[],
  ): Promise<void> {
    const idle = (c: (typeof cs)[number]) => !c.state.active && c.state.breachCount === 0 && c.state.breachSince === null;
    const gone = cs.filter(idle);
    const kept = cs.filter((c) => !idle(c));
    if (gone.length)
      await this.db.query(
        `DELETE FROM alert_conditions WHERE org_id = $1 AND (rule, subject_key) IN (SELECT r, k FROM unnest($2::text[], $3::text[]) AS x(r, k))`,
        [orgId, gone.map((c) => c.rule), gone.map((c) => c.subjectKey)],
      );
    if (kept.length)
      await this.db.query(
        `INSERT INTO alert_conditions (org_id, rule, subject_key, venue_id, state, raise_at, updated_at)
         SELECT $1, r, k, v, s, ra, u FROM unnest($2::text[], $3::text[], $4::uuid[], $5::jsonb[], $6::timestamptz[], $7::timestamptz[]) AS x(r, k, v, s, ra, u)
         ON CONFLICT (org_id, rule, subject_key) DO UPDATE SET state = EXCLUDED.state, raise_at = EXCLUDED.raise_at, updated_at = EXCLUDED.updated_at`,
        [
          orgId,
          kept.map((c) => c.rule),
          kept.map((c) => c.subjectKey),
          kept.map((c) => c.venueId),
          kept.map((c) => JSON.stringify(c.state)),
          kept.map((c) => c.raiseAt),
          kept.map((c) => c.at),
        ],
      );
  }

  /** Pending breaches whose duration has run out, across all organisations (the engine's tick). */
  async dueConditions(now: Date, limit = 500): Promise<{ orgId: string; venueId: string; rule: RuleName; subjectKey: string }[]> {
    const { rows } = await this.db.query<{ orgId: string; venueId: string; rule: RuleName; subjectKey: string }>(
      `SELECT org_id AS "orgId", venue_id AS "venueId", rule, subject_key AS "subjectKey" FROM alert_conditions
       WHERE raise_at IS NOT NULL AND raise_at <= $1 ORDER BY raise_at LIMIT $2`,
      [now, limit],
    );
    return rows;
  }

  /** Raises, unless one is already open for (rule, subject): then undefined, and nobody is told twice. */
  async raise(a: NewAlert): Promise<Alert | undefined> {
    const { rows } = await this.db.query<Alert>(
      `INSERT INTO alerts (org_id, venue_id, rule, subject_key, item_id, location_id, device_id, camera_id, severity, state, message, details, raised_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'raised', $10, $11::jsonb, $12, $12)
       ON CONFLICT (org_id, rule, subject_key) WHERE state <> 'resolved' DO NOTHING
       RETURNING ${ALERT_COLUMNS}`,
      [
        a.orgId,
        a.venueId,
        a.rule,
        a.subject.key,
        a.subject.itemId ?? null,
        a.subject.locationId ?? null,
        a.subject.deviceId ?? null,
        a.subject.cameraId ?? null,
        a.severity,
        a.message,
        JSON.stringify(a.details),
        a.at,
      ],
    );
    const alert = rows[0];
    if (alert) await this.addEvent(alert, 'raised', a.at, null, null);
    return alert;
  }

  /** Moves an alert on; undefined when it is absent, foreign, or in a state that does not allow it. */
  async transition(
    orgId: string,
    id: string,
    to: Exclude<AlertState, 'raised'>,
    at: Date,
    byUser: string | null,
    note: string | null = null,
  ): Promise<Alert | undefined> {
    const stamp = {
      escalated: 'escalated_at = $4',
      acknowledged: 'acknowledged_at = $4, acknowledged_by = $6',
      resolved: 'resolved_at = $4, resolved_by = $6',
    }[to];
    const params = [orgId, id, to, at, FROM[to], ...(to === 'escalated' ? [] : [byUser])];
    const { rows } = await this.db.query<Alert>(
      `UPDATE alerts SET state = $3, ${stamp}, updated_at = $4
       WHERE org_id = $1 AND id = $2 AND state = ANY($5::text[]) RETURNING ${ALERT_COLUMNS}`,
      params,
    );
    const alert = rows[0];
    if (alert) await this.addEvent(alert, to, at, byUser, note);
    return alert;
  }

  async findOpen(orgId: string, rule: RuleName, subjectKey: string): Promise<Alert | undefined> {
    const { rows } = await this.db.query<Alert>(
      `SELECT ${ALERT_COLUMNS} FROM alerts WHERE org_id = $1 AND rule = $2 AND subject_key = $3 AND state <> 'resolved'`,
      [orgId, rule, subjectKey],
    );
    return rows[0];
  }

  async get(orgId: string, id: string): Promise<Alert | undefined> {
    const { rows } = await this.db.query<Alert>(`SELECT ${ALERT_COLUMNS} FROM alerts WHERE org_id = $1 AND id = $2`, [orgId, id]);
    return rows[0];
  }

  async list(orgId: string, f: AlertFilter = {}): Promise<Alert[]> {
    const { rows } = await this.db.query<Alert>(
      `SELECT ${ALERT_COLUMNS} FROM alerts WHERE org_id = $1 AND ($2::uuid IS NULL OR venue_id = $2)
       AND ($3::text[] IS NULL OR state = ANY($3::text[])) AND ($4::timestamptz IS NULL OR raised_at < $4)
       ORDER BY raised_at DESC, id LIMIT $5`,
      [orgId, f.venueId ?? null, f.states ?? null, f.before ?? null, f.limit ?? 100],
    );
    return rows;
  }

  async history(orgId: string, alertId: string): Promise<AlertEvent[]> {
    const { rows } = await this.db.query<AlertEvent>(
      `SELECT id::text, state, at, by_user AS "byUser", note FROM alert_events WHERE org_id = $1 AND alert_id = $2 ORDER BY alert_events.id`,
      [orgId, alertId],
    );
    return rows;
  }

  /** Raised and still unacknowledged since before `cutoff`, across organisations (escalation). */
  async unacknowledgedSince(cutoff: Date, limit = 200): Promise<Alert[]> {
    const { rows } = await this.db.query<Alert>(
      `SELECT ${ALERT_COLUMNS} FROM alerts WHERE state = 'raised' AND raised_at <= $1 ORDER BY raised_at LIMIT $2`,
      [cutoff, limit],
    );
    return rows;
  }

  /** Of these locations, those with a camera_stale condition open or building (its hysteresis state names the location). */
  async staleCameraLocations(orgId: string, locationIds: string[]): Promise<Set<string>> {
    const { rows } = await this.db.query<{ locationId: string }>(
      `SELECT DISTINCT state->'subject'->>'locationId' AS "locationId" FROM alert_conditions
       WHERE org_id = $1 AND rule = 'camera_stale' AND state->'subject'->>'locationId' = ANY($2::text[])`,
      [orgId, locationIds],
    );
    return new Set(rows.map((row) => row.locationId));
  }

  /** Which of these (rule, subject) conditions exist, as 'rule subjectKey' (read without a lock: a hint, not a decision). */
  async heldConditions(orgId: string, rules: readonly RuleName[], subjectKeys: string[]): Promise<Set<string>> {
    const { rows } = await this.db.query<{ rule: string; key: string }>(
      `SELECT rule, subject_key AS key FROM alert_conditions WHERE org_id = $1 AND rule = ANY($2::text[]) AND subject_key = ANY($3::text[])`,
      [orgId, [...rules], subjectKeys],
    );
    return new Set(rows.map((row) => `${row.rule} ${row.key}`));
  }

  /** Counts for the daily summary: open now by rule, raised and resolved since `since`. */
  async summary(orgId: string, venueId: string, since: Date): Promise<{ open: Record<string, number>; raised: number; resolved: number }> {
    const open = await this.db.query<{ rule: string; n: number }>(
      `SELECT rule, count(*)::int AS n FROM alerts WHERE org_id = $1 AND venue_id = $2 AND state <> 'resolved' GROUP BY rule ORDER BY rule`,
      [orgId, venueId],
    );
    const moved = await this.db.query<{ raised: number; resolved: number }>(
      `SELECT count(*) FILTER (WHERE raised_at >= $3)::int AS raised, count(*) FILTER (WHERE resolved_at >= $3)::int AS resolved
       FROM alerts WHERE org_id = $1 AND venue_id = $2`,
      [orgId, venueId, since],
    );
    return { open: Object.fromEntries(open.rows.map((row) => [row.rule, row.n])), ...moved.rows[0]! };
  }

  private async addEvent(a: Alert, state: AlertState, at: Date, byUser: string | null, note: string | null): Promise<void> {
    await this.db.query('INSERT INTO alert_events (org_id, alert_id, state, at, by_user, note) VALUES ($1, $2, $3, $4, $5, $6)', [
      a.orgId,
      a.id,
      state,
      at,
      byUser,
      note,
    ]);
  }
}

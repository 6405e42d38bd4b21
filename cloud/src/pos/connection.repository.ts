import type { PosProvider } from '@smartstock/api';
import type { Queryable } from '../db/types.js';

export interface Connection {
  id: string;
  orgId: string;
  venueId: string;
  locationId: string;
  provider: PosProvider;
  name: string;
  providerLocationId: string | null;
  /** sealed by SecretBox; never leaves the service */
  secrets: string | null;
  lastEventAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  eventsToday: number;
  createdAt: Date;
}
export type NewConnection = Pick<Connection, 'venueId' | 'locationId' | 'provider' | 'name' | 'providerLocationId' | 'secrets'>;

const BASE = `id, org_id AS "orgId", venue_id AS "venueId", location_id AS "locationId", provider, name,
  provider_location_id AS "providerLocationId", secrets, last_error AS "lastError", last_error_at AS "lastErrorAt",
  created_at AS "createdAt"`;
/** health is read from the events (pos_events_received): a webhook writes no row of the connection, so deliveries never queue on one */
const COLS = `${BASE},
  (SELECT max(e.received_at) FROM pos_events e WHERE e.connection_id = pos_connections.id) AS "lastEventAt",
  (SELECT count(*) FROM pos_events e WHERE e.connection_id = pos_connections.id AND e.received_at >= current_date)::int AS "eventsToday"`;
/** what a webhook or a job needs: no health, which costs two index reads */
const WORK = `${BASE}, NULL::timestamptz AS "lastEventAt", 0 AS "eventsToday"`;

/** POS connections, their sealed secrets and their health. */
export class ConnectionRepository {
  constructor(private readonly db: Queryable) {}

  async create(orgId: string, c: NewConnection): Promise<Connection> {
    const { rows } = await this.db.query<Connection>(
      `INSERT INTO pos_connections (org_id, venue_id, location_id, provider, name, provider_location_id, secrets)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLS}`,
      [orgId, c.venueId, c.locationId, c.provider, c.name, c.providerLocationId, c.secrets],
    );
    return rows[0]!;
  }

  /** Changes what is given; the health and the provider stay. */
  async update(orgId: string, id: string, c: Pick<NewConnection, 'name' | 'locationId' | 'providerLocationId' | 'secrets'>) {
    const { rows } = await this.db.query<Connection>(
      `UPDATE pos_connections SET name = $3, location_id = $4, provider_location_id = $5, secrets = $6
       WHERE org_id = $1 AND id = $2 RETURNING ${COLS}`,
      [orgId, id, c.name, c.locationId, c.providerLocationId, c.secrets],
    );
    return rows[0];
  }

  async list(orgId: string): Promise<Connection[]> {
    const { rows } = await this.db.query<Connection>(`SELECT ${COLS} FROM pos_connections WHERE org_id = $1 ORDER BY created_at, id`, [
      orgId,
    ]);
    return rows;
  }

  async get(orgId: string, id: string): Promise<Connection | undefined> {
    const { rows } = await this.db.query<Connection>(`SELECT ${COLS} FROM pos_connections WHERE org_id = $1 AND id = $2`, [orgId, id]);
    return rows[0];
  }

  /** A webhook names only the connection: its org is learnt from the row. Without health (see WORK). */
  async forWebhook(id: string): Promise<Connection | undefined> {
    const { rows } = await this.db.query<Connection>(`SELECT ${WORK} FROM pos_connections WHERE id = $1`, [id]);
    return rows[0];
  }

  /** The connection a job works for; without health (see WORK). */
  async forWork(orgId: string, id: string): Promise<Connection | undefined> {
    const { rows } = await this.db.query<Connection>(`SELECT ${WORK} FROM pos_connections WHERE org_id = $1 AND id = $2`, [orgId, id]);
    return rows[0];
  }

  async recordError(orgId: string, id: string, error: string): Promise<void> {
    await this.db.query(`UPDATE pos_connections SET last_error = $3, last_error_at = now() WHERE org_id = $1 AND id = $2`, [
      orgId,
      id,
      error.slice(0, 500),
    ]);
  }

  /** false when this event id was seen before; the event row is also the connection's health (COLS) */
  async firstDelivery(orgId: string, connectionId: string, eventId: string, type: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `INSERT INTO pos_events (org_id, connection_id, event_id, type) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [orgId, connectionId, eventId, type],
    );
    return rowCount === 1;
  }
}

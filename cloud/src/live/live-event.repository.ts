import type { LiveData, LiveType } from '@smartstock/api';
import type { Queryable } from '../db/types.js';

export const LIVE_CHANNEL = 'smartstock_live';
/**
 * Every instance hears here, and this process as the writer commits (announce), which locations'
 * stock moved: the locations of the 'stock' events just appended, payload `<orgId> <locationId>`
 * pairs, comma-separated. Every stock movement (a reading, a ledger row) tells the live view with
 * such an event, so a kept stock page forgets on exactly what the live view shows.
 */
export const STOCK_CHANNEL = 'smartstock_stock';
/** pairs per announce: 73 bytes each, under NOTIFY's 8,000 */
const PAIRS_PER_ANNOUNCE = 100;
/** ids per notify: a NOTIFY payload must stay under 8,000 bytes (and a bigint is at most 19 digits and a comma) */
const IDS_PER_NOTIFY = 350;

/** One event of appendMany, its data typed by its type. */
export type NewLiveEvent = { [T in LiveType]: { orgId: string; venueId: string | null; type: T; data: LiveData<T> } }[LiveType];

export interface LiveEvent {
  id: number;
  orgId: string;
  venueId: string | null;
  type: LiveType;
  /**
   * LiveData<type> as the JSON text it was stored as (json, migration 276: kept as written): read as text,
   * not parsed, so the hub puts it into its message as it is (pg parses a json column, which the hub
   * would only stringify again)
   */
  json: string;
}

/**
 * Live events: appended in the writer's transaction, announced with NOTIFY
 * (delivered at commit, so a rolled-back change is never pushed), read back
 * in id order by every instance. The id is the client's resync cursor.
 */
export class LiveEventRepository {
  constructor(private readonly db: Queryable) {}

  async append<T extends LiveType>(orgId: string, venueId: string | null, type: T, data: LiveData<T>): Promise<number> {
    const { rows } = await this.db.query<{ id: number }>(
      'INSERT INTO live_events (org_id, venue_id, type, data) VALUES ($1, $2, $3, $4) RETURNING id',
      [orgId, venueId, type, JSON.stringify(data)],
    );
    const id = rows[0]!.id;
    await this.db.notify(LIVE_CHANNEL, String(id));
    if (type === 'stock') await this.db.announce(STOCK_CHANNEL, `${orgId} ${(data as LiveData<'stock'>).locationId}`);
    return id;
  }

  /**
   * Appends several events with one INSERT and announces them with one notify per 350 ids
   * (the payload is the ids, comma-separated; LiveHub reads either form). Ids come back in the
   * order of `events`.
   */
  async appendMany(events: NewLiveEvent[]): Promise<number[]> {
    if (!events.length) return [];
    // the data as one byte string of the events' JSON texts, each cut out by its offset and length and
    // parsed once, as it is stored: an array literal of JSON texts costs escaping every quote here and
    // parsing it twice there (~2x the time), and one JSON array (json_array_elements) was parsed twice and
    // spilled to a temporary file (an ingest run's events are megabytes): ~20% of the statement's CPU.
    // json, not jsonb (migration 276): each element's text is stored as it is, not rebuilt
    const texts = events.map((event) => Buffer.from(JSON.stringify(event.data)));
    const starts: number[] = [];
    let at = 1;
    for (const text of texts) {
      starts.push(at);
      at += text.length;
    }
    const { rows } = await this.db.query<{ id: number }>(
      `INSERT INTO live_events (org_id, venue_id, type, data)
       SELECT o, v, t, convert_from(substring($4::bytea FROM s FOR l), 'UTF8')::json
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $5::int[], $6::int[]) WITH ORDINALITY AS e(o, v, t, s, l, n)
       ORDER BY e.n
       RETURNING id`,
      [
        events.map((event) => event.orgId),
        events.map((event) => event.venueId),
        events.map((event) => event.type),
        Buffer.concat(texts),
        starts,
        texts.map((text) => text.length),
      ] as never,
      // one SQL text whatever the events (arrays and one byte string): planned once per connection
      { prepare: 'live_events_append_many_bytes' },
    );
    const ids = rows.map((row) => Number(row.id)).sort((a, b) => a - b);
    for (let i = 0; i < ids.length; i += IDS_PER_NOTIFY) await this.db.notify(LIVE_CHANNEL, ids.slice(i, i + IDS_PER_NOTIFY).join(','));
    await this.stockMoved(events);
    return ids;
  }

  /** Announces the locations of the stock events among `events` (one announce for up to 100 of them). */
  private async stockMoved(events: readonly NewLiveEvent[]): Promise<void> {
    const pairs = new Set<string>();
    for (const event of events) if (event.type === 'stock') pairs.add(`${event.orgId} ${event.data.locationId}`);
    const all = [...pairs];
    for (let i = 0; i < all.length; i += PAIRS_PER_ANNOUNCE)
      await this.db.announce(STOCK_CHANNEL, all.slice(i, i + PAIRS_PER_ANNOUNCE).join(','));
  }

  /**
   * What a holder of `cursor` may not have had, in id order: the events after it, and those below it whose
   * writer committed late (migration 296: a tx the snapshot the cursor's event was written in does not see).
   * One of those may have been pushed already (its writer committed just before the cursor's): the client
   * skips an id it has applied. A cursor of no event (pruned, or a resync's) looks back over every event
   * kept below it.
   */
  async after(cursor: number, limit = 1000, scope?: { orgId: string; venueId: string }): Promise<LiveEvent[]> {
    // two selects, not one OR: each reads its own index (the id's, the tx's); with the OR PostgreSQL read the whole table
    const { rows } = await this.db.query<LiveEvent>(
      `WITH scoped AS NOT MATERIALIZED (SELECT id, org_id AS "orgId", venue_id AS "venueId", type, data, tx FROM live_events
                       WHERE $3::uuid IS NULL OR (org_id = $3 AND (venue_id IS NULL OR venue_id = $4))),
            -- the snapshot the cursor's event was written in; with no such event, one that sees no transaction
            cursor_event AS (SELECT tx, snapshot FROM live_events WHERE id = $1),
            written AS (SELECT coalesce((SELECT snapshot FROM cursor_event), '1:1:'::pg_snapshot) AS snapshot, (SELECT tx FROM cursor_event) AS tx)
       SELECT id, "orgId", "venueId", type, data::text AS json FROM (
         (SELECT * FROM scoped WHERE id > $1 ORDER BY id LIMIT $2)
         UNION ALL
         (SELECT * FROM scoped WHERE id < $1 AND tx >= pg_snapshot_xmin((SELECT snapshot FROM written))
                                 AND NOT pg_visible_in_snapshot(tx, (SELECT snapshot FROM written))
                                 -- its own transaction's events committed with it
                                 AND tx IS DISTINCT FROM (SELECT tx FROM written))
       ) e ORDER BY id LIMIT $2`,
      [cursor, limit, scope?.orgId ?? null, scope?.venueId ?? null],
    );
    return rows;
  }

  /**
   * Deletes up to `batch` of the oldest events when older than `hours`, always a prefix in id order
   * (the first kept event ends it), so `oldestKept` tells a resync exactly what is gone. Reads only the
   * first `batch` ids of the primary key: no statement scans the whole table or holds its locks long.
   */
  async pruneBatch(hours: number, batch: number): Promise<number> {
    const deleted = await this.db.query(
      `WITH head AS (SELECT id, at FROM live_events ORDER BY id LIMIT $2),
            kept AS (SELECT min(id) AS id FROM head WHERE at >= now() - make_interval(hours => $1))
       DELETE FROM live_events WHERE id IN (SELECT id FROM head) AND id < coalesce((SELECT id FROM kept), 9223372036854775807)`,
      [hours, batch],
    );
    return deleted.rowCount ?? 0;
  }

  /**
   * The id of the oldest event still kept; with none kept, the next id to come. A cursor below it
   * minus one may have missed pruned events (or ids a rolled-back writer took: a needless resync, not a loss).
   */
  async oldestKept(): Promise<number> {
    const { rows } = await this.db.query<{ id: number }>(
      `SELECT coalesce((SELECT min(id) FROM live_events),
                       (SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM live_events_id_seq))::float8 AS id`,
    );
    return Number(rows[0]!.id);
  }

  async lastId(): Promise<number> {
    const { rows } = await this.db.query<{ id: number | null }>('SELECT max(id) AS id FROM live_events');
    return rows[0]!.id ?? 0;
  }

  async byIds(ids: number[]): Promise<LiveEvent[]> {
    const { rows } = await this.db.query<LiveEvent>(
      'SELECT id, org_id AS "orgId", venue_id AS "venueId", type, data::text AS json FROM live_events WHERE id = ANY($1::bigint[]) ORDER BY id',
      [ids],
    );
    return rows;
  }
}

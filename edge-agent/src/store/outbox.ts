import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Observation } from '@smartstock/protocol';

export interface OutboxOptions {
  dir: string;
  maxRows: number;
  maxBytes: number;
  synchronous: 'full' | 'normal';
}

export interface OutboxRow {
  rowid: number;
  id: string;
  body: string;
}

/**
 * The observations the cloud has not acknowledged yet, in SQLite (WAL).
 *
 * Durability: with journal_mode=WAL and synchronous=FULL every commit fsyncs
 * the WAL before returning, so a row the agent reports as stored survives a
 * power cut. Rows leave only through remove(), which the uplink calls on the
 * broker's PUBACK. The batch sequence and the dropped-row count live in the
 * same file, in the same transactions, so they survive restarts too.
 */
export class Outbox {
  private readonly db: Database.Database;
  private rows = 0;
  private bytes = 0;
  private dropped = 0;
  private readonly stmts;

  constructor(private readonly opts: OutboxOptions) {
    mkdirSync(opts.dir, { recursive: true });
    this.db = new Database(join(opts.dir, 'outbox.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${opts.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS outbox (rowid INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, body TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
    this.stmts = {
      insert: this.db.prepare('INSERT OR IGNORE INTO outbox (id, body) VALUES (?, ?)'),
      peek: this.db.prepare('SELECT rowid, id, body FROM outbox WHERE rowid > ? ORDER BY rowid LIMIT ?'),
      remove: this.db.prepare('DELETE FROM outbox WHERE id = ? RETURNING length(body) AS len'),
      oldest: this.db.prepare('SELECT rowid, length(body) AS len FROM outbox ORDER BY rowid LIMIT ?'),
      dropUpTo: this.db.prepare('DELETE FROM outbox WHERE rowid <= ?'),
      getMeta: this.db.prepare('SELECT value FROM meta WHERE key = ?'),
      setMeta: this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
    };
    const totals = this.db.prepare('SELECT count(*) AS n, coalesce(sum(length(body)), 0) AS b FROM outbox').get() as {
      n: number;
      b: number;
    };
    this.rows = totals.n;
    this.bytes = totals.b;
    this.dropped = Number(this.getMeta('droppedRows') ?? 0);
  }

  /** Appends in one transaction (one fsync); returns how many rows the disk cap pushed out. */
  append(observations: readonly Observation[]): number {
    if (!observations.length) return 0;
    return this.db.transaction(() => {
      for (const observation of observations) {
        const body = JSON.stringify(observation);
        const result = this.stmts.insert.run(observation.id, body);
        if (result.changes) {
          this.rows += 1;
          this.bytes += Buffer.byteLength(body);
        }
      }
      return this.enforceCap();
    })();
  }

  /** The oldest rows after `afterRowid`, for the uplink to send. */
  peek(afterRowid: number, limit: number): OutboxRow[] {
    return this.stmts.peek.all(afterRowid, limit) as OutboxRow[];
  }

  /** Called on PUBACK only. */
  remove(ids: readonly string[]): void {
    if (!ids.length) return;
    this.db.transaction(() => {
      for (const id of ids) {
        const row = this.stmts.remove.get(id) as { len: number } | undefined;
        if (!row) continue; // already dropped by the cap, or a re-send acked twice
        this.rows -= 1;
        this.bytes -= row.len;
      }
    })();
  }

  /** Reserves `n` consecutive batch sequence numbers, durably, and returns the first. */
  reserveSeq(n = 1): number {
    return this.db.transaction(() => {
      const first = Number(this.getMeta('nextSeq') ?? 0);
      this.setMeta('nextSeq', String(first + n));
      return first;
    })();
  }

  /** The sequence number the next batch will take. */
  get nextSeq(): number {
    return Number(this.getMeta('nextSeq') ?? 0);
  }

  getMeta(key: string): string | undefined {
    return (this.stmts.getMeta.get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    this.stmts.setMeta.run(key, value);
  }

  get depth(): number {
    return this.rows;
  }

  get droppedRows(): number {
    return this.dropped;
  }

  /** True when a write goes through: /healthz asks this. */
  writable(): boolean {
    try {
      this.db.prepare('SELECT 1').get();
      return this.db.open && !this.db.readonly;
    } catch {
      return false;
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Oldest rows go first, and every one is counted in droppedRows, never silently. */
  private enforceCap(): number {
    if (this.rows <= this.opts.maxRows && this.bytes <= this.opts.maxBytes) return 0;
    const overRows = Math.max(0, this.rows - this.opts.maxRows);
    let n = overRows;
    let freed = 0;
    let lastRowid = -1;
    const candidates = this.stmts.oldest.all(Math.max(overRows, 1) + 10_000) as { rowid: number; len: number }[];
    let i = 0;
    for (; i < candidates.length; i++) {
      if (i >= overRows && this.bytes - freed <= this.opts.maxBytes) break;
      freed += candidates[i]!.len;
      lastRowid = candidates[i]!.rowid;
    }
    n = i;
    if (lastRowid < 0) return 0;
    this.stmts.dropUpTo.run(lastRowid);
    this.rows -= n;
    this.bytes -= freed;
    this.dropped += n;
    this.setMeta('droppedRows', String(this.dropped));
    return n;
  }
}

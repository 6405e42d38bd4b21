/**
 * What the fleet bench reads, all in this process so every instant is on one clock
 * (performance.timeOrigin + now, which the device process shares to the sub-millisecond):
 * - commits: LISTEN on the live channel (PostgreSQL delivers a NOTIFY at commit); each observation
 *   event is read back for its size and its observations' `at`, the instant the device published
 *   (a heartbeat the cloud folds is in its commit's event too: storedRows() tells how many were rows);
 * - dashboards: WebSockets on /api/v1/live, each message's arrival against its event's commit;
 * - CPU and memory of processes, from /proc.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import WebSocket from 'ws';

export const wall = () => performance.timeOrigin + performance.now();
const LIVE_CHANNEL = 'smartstock_live';

export interface Commit {
  at: number;
  obs: number;
  publishedAt: number;
}

export class CommitWatch {
  readonly commits = new Map<number, Commit>();
  private seen = new Map<number, number>();
  private pending: number[] = [];
  private reading: Promise<void> | undefined;
  private constructor(
    private readonly listen: pg.Client,
    private readonly read: pg.Client,
  ) {}

  static async start(url: string): Promise<CommitWatch> {
    const listen = new pg.Client({ connectionString: url });
    const read = new pg.Client({ connectionString: url });
    await Promise.all([listen.connect(), read.connect()]);
    const w = new CommitWatch(listen, read);
    listen.on('notification', (n) => {
      const at = wall();
      // one id or several, comma-separated, as LiveHub reads them
      for (const id of (n.payload ?? '').split(',').map(Number)) {
        w.seen.set(id, at);
        w.pending.push(id);
      }
      w.reading ??= w
        .drain()
        .catch((e: Error) => void process.stderr.write(`commit watch: ${e.message}\n`))
        .finally(() => (w.reading = undefined));
    });
    await listen.query(`LISTEN ${LIVE_CHANNEL}`);
    return w;
  }

  /** When the commit carrying live event `id` was announced here. */
  committedAt = (id: number) => this.seen.get(id);

  private async drain(): Promise<void> {
    while (this.pending.length) {
      const ids = this.pending.splice(0, 2000);
      const { rows } = await this.read.query<{ id: string; n: number; at: string }>(
        // data is json (migration 276): its observations taken out once, not parsed from the top twice
        `SELECT id, json_array_length(x.o) AS n, x.o->0->>'at' AS at
         FROM live_events CROSS JOIN LATERAL (SELECT data->'observations' AS o) x WHERE id = ANY($1::bigint[]) AND type = 'observation'`,
        [ids],
      );
      for (const r of rows) this.commits.set(Number(r.id), { at: this.seen.get(Number(r.id))!, obs: r.n, publishedAt: Date.parse(r.at) });
    }
  }

  /** Waits until the events announced so far are read back. */
  async settle(): Promise<void> {
    while (this.reading || this.pending.length) await (this.reading ?? new Promise((r) => setTimeout(r, 10)));
  }

  /**
   * Rows of observations now. A folded heartbeat (cloud: observations.heartbeatKeepSeconds) commits
   * as its slot's reading and is in the commit's observation event as a stored one is, so the events
   * count every observation taken; this counts the rows, to tell the two apart.
   */
  async storedRows(): Promise<number> {
    const { rows } = await this.read.query<{ n: number }>('SELECT count(*)::int AS n FROM observations');
    return rows[0]!.n;
  }

  /**
   * Observations published since `from` and committed (stored as rows, or folded into their slot's reading).
   * By the instant they were published, not the commit's: counting every commit since `from` counted the
   * previous phase's last batches (published before it, committed after it) as this phase's, so a burst
   * ended thousands of observations early and the paced phase's latencies included the burst's backlog.
   */
  observationsSince(from: number): { obs: number; lastAt: number } {
    let obs = 0;
    let lastAt = 0;
    for (const c of this.publishedSince(from)) {
      obs += c.obs;
      lastAt = Math.max(lastAt, c.at);
    }
    return { obs, lastAt };
  }

  /** The commits of observations published since `from` (an observation's time is whole milliseconds). */
  publishedSince(from: number): Commit[] {
    return [...this.commits.values()].filter((c) => c.publishedAt >= Math.floor(from));
  }

  async stop(): Promise<void> {
    // stop listening first: a notification between settle() and the end would read on a closed client
    await this.listen.end();
    await this.settle();
    await this.read.end();
  }
}

/** `count` dashboards signed in as the owner, each watching one venue, spread over the cloud instances. */
export class Dashboards {
  /** [cursor, arrival] of every message every dashboard received */
  readonly arrivals: [number, number][] = [];
  /** close codes of the sockets the cloud closed before the bench did (4008: too far behind): they stop counting */
  readonly closedByCloud: number[] = [];
  private closing = false;
  private sockets: WebSocket[] = [];

  async open(baseUrls: string[], token: string, venueIds: string[], count: number): Promise<void> {
    const opening: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const base = baseUrls[i % baseUrls.length]!.replace(/^http/, 'ws');
      const ws = new WebSocket(`${base}/api/v1/live?venueId=${venueIds[i % venueIds.length]}`, ['smartstock.v1', `bearer.${token}`]);
      ws.on('message', (m: Buffer) => {
        const at = wall();
        const cursor = /"cursor":(\d+)/.exec(m.toString('utf8', 0, 64));
        if (cursor) this.arrivals.push([Number(cursor[1]), at]);
      });
      ws.on('close', (code: number) => void (this.closing || this.closedByCloud.push(code)));
      this.sockets.push(ws);
      opening.push(
        new Promise((res, rej) => {
          ws.once('open', () => res());
          ws.once('error', rej);
        }),
      );
      if (opening.length % 50 === 0) await Promise.all(opening.slice(-50));
    }
    await Promise.all(opening);
  }

  get open_(): number {
    return this.sockets.filter((s) => s.readyState === WebSocket.OPEN).length;
  }

  close(): void {
    this.closing = true;
    for (const s of this.sockets) s.terminate();
  }
}

/** CPU (% of one core) and memory (MiB) of a set of processes between two samples. */
export interface Usage {
  cpuPct: number;
  /** CPU seconds the processes used between the samples (user and system) */
  cpuS: number;
  rssMiB: number;
}

const CLK_TCK = 100;
function ticks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]); // utime, stime
  } catch {
    return undefined;
  }
}
/** Proportional set size where readable (shared buffers are not counted once per backend), else RSS. */
function memKiB(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    /* fall through */
  }
  try {
    return Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** The processes of one role (a broker, the clouds, PostgreSQL's backends), sampled at start and end of a phase. */
export class ProcWatch {
  private start = new Map<number, number>();
  private t0 = 0;
  private peakKiB = 0;
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly pids: () => Promise<number[]> | number[]) {}

  async begin(): Promise<void> {
    this.start.clear();
    for (const p of await this.pids()) this.start.set(p, ticks(p) ?? 0);
    this.t0 = wall();
    this.peakKiB = 0;
    const sample = async () => {
      const kib = (await this.pids()).reduce((a, p) => a + memKiB(p), 0);
      this.peakKiB = Math.max(this.peakKiB, kib);
    };
    await sample();
    this.timer = setInterval(() => void sample(), 2000);
  }

  end(): Usage {
    clearInterval(this.timer);
    let used = 0;
    for (const [p, t] of this.start) {
      const now = ticks(p);
      if (now !== undefined) used += now - t;
    }
    const secs = (wall() - this.t0) / 1000;
    return { cpuPct: (used / CLK_TCK / secs) * 100, cpuS: used / CLK_TCK, rssMiB: this.peakKiB / 1024 };
  }
}

export const pct = (xs: number[], p: number) =>
  xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : NaN;

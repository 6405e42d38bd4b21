import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Logger } from '@smartstock/runtime';
import type { ForecastOptions, RawPoint, SeriesForecast } from './models/index.js';
import type { FitRequest } from './worker.js';
import { packHistory } from './wire.js';

type FitReply = { id: number; ok: true; forecast: SeriesForecast } | { id: number; ok: false; error: string };
type Pending = { resolve(f: SeriesForecast): void; reject(e: Error): void };

/** Under tsx the worker is TypeScript source: register tsx inside the thread first. */
function spawnWorker(url: URL): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url);
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true });
}

/** One worker thread of the pool and the fits it has been sent. */
interface Slot {
  worker: Worker | undefined;
  pending: Map<number, Pending>;
}

/** The default pool: one thread a core, at most four (fitting is CPU-bound; the API thread needs its share too). */
export const defaultPoolSize = (): number => Math.max(1, Math.min(4, availableParallelism()));

/**
 * A small pool of worker threads fitting forecasts: each fit goes to the thread
 * with the fewest outstanding; threads start on first use and restart after a crash.
 */
export class ForecastRunner {
  private nextId = 1;
  private readonly slots: Slot[];

  constructor(
    private readonly log: Logger,
    readonly size = defaultPoolSize(),
  ) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`forecast pool size must be a whole number ≥ 1, got ${size}`);
    this.slots = Array.from({ length: size }, () => ({ worker: undefined, pending: new Map() }));
  }

  fit(points: RawPoint[], options: ForecastOptions): Promise<SeriesForecast> {
    const slot = this.slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const w = this.ensureWorker(slot);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      const packed = packHistory(points);
      if (packed) w.postMessage({ id, packed, options } satisfies FitRequest, [packed.quantities.buffer]);
      else w.postMessage({ id, points, options } satisfies FitRequest);
    });
  }

  private ensureWorker(slot: Slot): Worker {
    if (slot.worker) return slot.worker;
    const w = spawnWorker(new URL(`./worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));
    w.unref();
    w.on('message', (reply: FitReply) => {
      const p = slot.pending.get(reply.id);
      if (!p) return;
      slot.pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.forecast);
      else p.reject(new Error(reply.error));
    });
    const fail = (err: Error) => {
      this.log.error({ err }, 'forecast worker stopped; restarting on next fit');
      slot.worker = undefined;
      for (const p of slot.pending.values()) p.reject(err);
      slot.pending.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => {
      if (slot.worker === w && code !== 0) fail(new Error(`forecast worker exited with ${code}`));
      if (slot.worker === w) slot.worker = undefined;
    });
    slot.worker = w;
    return w;
  }

  async close(): Promise<void> {
    const workers = this.slots.map((s) => s.worker).filter((w): w is Worker => w !== undefined);
    for (const s of this.slots) s.worker = undefined;
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

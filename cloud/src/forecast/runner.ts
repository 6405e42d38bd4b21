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
    const worker = this.ensureWorker(slot);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      const packed = packHistory(points);
      if (packed) worker.postMessage({ id, packed, options } satisfies FitRequest, [packed.quantities.buffer]);
      else worker.postMessage({ id, points, options } satisfies FitRequest);
    });
  }

  private ensureWorker(slot: Slot): Worker {
    if (slot.worker) return slot.worker;
    const worker = spawnWorker(new URL(`./worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));
    worker.unref();
    worker.on('message', (reply: FitReply) => {
      const waiting = slot.pending.get(reply.id);
      if (!waiting) return;
      slot.pending.delete(reply.id);
      if (reply.ok) waiting.resolve(reply.forecast);
      else waiting.reject(new Error(reply.error));
    });
    const fail = (err: Error) => {
      this.log.error({ err }, 'forecast worker stopped; restarting on next fit');
      slot.worker = undefined;
      for (const waiting of slot.pending.values()) waiting.reject(err);
      slot.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (slot.worker === worker && code !== 0) fail(new Error(`forecast worker exited with ${code}`));
      if (slot.worker === worker) slot.worker = undefined;
    });
    slot.worker = worker;
    return worker;
  }

  async close(): Promise<void> {
    const workers = this.slots.map((slot) => slot.worker).filter((worker): worker is Worker => worker !== undefined);
    for (const slot of this.slots) slot.worker = undefined;
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

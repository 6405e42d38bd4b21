import { Worker } from 'node:worker_threads';
import type { Logger } from '@smartstock/runtime';
import type { ForecastOptions, RawPoint, SeriesForecast } from './models/index.js';
import type { FitRequest } from './worker.js';

type FitReply = { id: number; ok: true; forecast: SeriesForecast } | { id: number; ok: false; error: string };

/** Under tsx the worker is TypeScript source: register tsx inside the thread first. */
function spawnWorker(url: URL): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url);
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true });
}

/** One worker thread fitting forecasts, started on first use and restarted after a crash. */
export class ForecastRunner {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(f: SeriesForecast): void; reject(e: Error): void }>();

  constructor(private readonly log: Logger) {}

  fit(points: RawPoint[], options: ForecastOptions): Promise<SeriesForecast> {
    const w = this.ensureWorker();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ id, points, options } satisfies FitRequest);
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = spawnWorker(new URL(`./worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));
    w.unref();
    w.on('message', (r: FitReply) => {
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (r.ok) p.resolve(r.forecast);
      else p.reject(new Error(r.error));
    });
    const fail = (err: Error) => {
      this.log.error({ err }, 'forecast worker stopped; restarting on next fit');
      this.worker = undefined;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => {
      if (this.worker === w && code !== 0) fail(new Error(`forecast worker exited with ${code}`));
      if (this.worker === w) this.worker = undefined;
    });
    this.worker = w;
    return w;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }
}

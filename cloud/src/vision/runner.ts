import { Worker } from 'node:worker_threads';
import type { FrameAnalysis } from '@smartstock/models';
import type { Logger } from '@smartstock/runtime';
import { AppError } from '../errors.js';

export interface VisionRequest {
  id: number;
  image: Uint8Array;
}
export type VisionReply =
  | { id: number; ok: true; analysis: FrameAnalysis; versions: Record<string, string> }
  | { id: number; ok: false; error: string; badImage: boolean };

export interface VisionResult {
  analysis: FrameAnalysis;
  versions: Record<string, string>;
}

export interface VisionRunnerOptions {
  logger: Logger;
  /** photos waiting or in work before new ones get 503 */
  maxQueue: number;
  threads: number;
  modelDir?: string | undefined;
}

/** Under tsx the worker is TypeScript source: register tsx inside the thread first. */
function spawnWorker(url: URL, workerData: unknown): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData });
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}

/**
 * One worker thread running the bottle models, started on the first photo and
 * restarted after a crash. A bounded queue: a burst of photos gets a clear 503
 * instead of growing memory without limit.
 */
export class VisionRunner {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(result: VisionResult): void; reject(e: Error): void }>();
  private readonly log: Logger;

  constructor(private readonly options: VisionRunnerOptions) {
    this.log = options.logger.child({ module: 'vision' });
  }

  /** Throws the 503 a new photo would get now. */
  assertRoom(): void {
    if (this.pending.size >= this.options.maxQueue)
      throw new AppError(503, 'vision_busy', `${this.pending.size} photos are already being analysed; try again shortly`);
  }

  analyze(image: Uint8Array): Promise<VisionResult> {
    try {
      this.assertRoom();
    } catch (e) {
      return Promise.reject(e as Error);
    }
    const w = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<VisionResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ id, image } satisfies VisionRequest);
    });
  }

  get queued(): number {
    return this.pending.size;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.failAll(new AppError(503, 'vision_stopped', 'the service is stopping'));
    await w?.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = spawnWorker(new URL(`./worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url), {
      threads: this.options.threads,
      modelDir: this.options.modelDir,
    });
    worker.unref();
    worker.on('message', (reply: VisionReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiting.resolve({ analysis: reply.analysis, versions: reply.versions });
      else if (reply.badImage) waiting.reject(new AppError(400, 'invalid_image', reply.error, 'image'));
      else waiting.reject(new AppError(500, 'vision_failed', `the bottle models failed: ${reply.error}`));
    });
    const gone = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.log.error({ why }, 'vision worker stopped; the next photo starts a new one');
      this.failAll(new AppError(500, 'vision_failed', `the vision worker stopped: ${why}`));
    };
    worker.on('error', (err) => gone(err.message));
    worker.on('exit', (code) => gone(`exit ${code}`));
    this.worker = worker;
    return worker;
  }

  private failAll(err: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(err);
    this.pending.clear();
  }
}

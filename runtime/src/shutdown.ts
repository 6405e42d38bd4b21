import type { Logger } from './logger.js';

/**
 * Stop once on the first SIGINT or SIGTERM, then exit. The listener stays installed after
 * the first signal because npm forwards Ctrl-C to its child after the terminal has already
 * sent it one: with `process.once`, that second SIGINT would meet Node's default handler
 * and kill the process halfway through stopping.
 */
export function stopOnSignal(stop: () => Promise<void>, hooks: { onSignal?: () => void; onStopped?: () => void } = {}): void {
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (stopping) return;
      stopping = true;
      hooks.onSignal?.();
      void stop().then(
        () => {
          hooks.onStopped?.();
          process.exit(0);
        },
        (e: unknown) => {
          process.stderr.write(`stop failed: ${e instanceof Error ? e.message : String(e)}\n`);
          process.exit(1);
        },
      );
    });
  }
}

/** One part of the cloud to stop, named for the log line when it is slow or fails. */
export type StopStep = readonly [part: string, stop: () => unknown];

/** How a stop went, for the one summary line: the parts stopped, and by name those that did not stop cleanly. */
export interface StopReport {
  parts: number;
  late: string[];
  failed: string[];
  ms: number;
}

/**
 * Stops the parts one after another, each within `withinMs`: a part that waits
 * on something already gone (Redis, the broker, a worker) is logged by name and
 * left behind, so a stop always ends and the parts after it (the database last)
 * still close. A failing part is logged and the rest still stop.
 */
export async function stopInOrder(steps: readonly StopStep[], log: Logger, withinMs = 10_000): Promise<StopReport> {
  const started = performance.now();
  const report: StopReport = { parts: steps.length, late: [], failed: [], ms: 0 };
  for (const [part, stop] of steps) {
    let timer: NodeJS.Timeout | undefined;
    const overdue = new Promise<'overdue'>((resolve) => (timer = setTimeout(() => resolve('overdue'), withinMs)));
    try {
      const outcome = await Promise.race([Promise.resolve().then(stop), overdue]);
      if (outcome === 'overdue') {
        report.late.push(part);
        log.warn({ part, withinMs }, 'did not stop in time; going on without it');
      }
    } catch (err) {
      report.failed.push(part);
      log.warn({ part, err: (err as Error).message }, 'failed to stop cleanly; going on');
    } finally {
      clearTimeout(timer);
    }
  }
  report.ms = Math.round(performance.now() - started);
  return report;
}

/** The report in words: "25 parts stopped cleanly", or which were late or failed and where to read why. */
export function describeStop(r: StopReport): string {
  const clean = r.parts - r.late.length - r.failed.length;
  const parts = `${r.parts} part${r.parts === 1 ? '' : 's'}`;
  const trouble = [r.late.length ? `late: ${r.late.join(', ')}` : '', r.failed.length ? `failed: ${r.failed.join(', ')}` : ''].filter(
    Boolean,
  );
  return trouble.length
    ? `${clean} of ${parts} stopped cleanly; ${trouble.join('; ')} (see the warn lines above)`
    : `${parts} stopped cleanly`;
}

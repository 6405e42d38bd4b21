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

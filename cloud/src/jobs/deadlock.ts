/** PostgreSQL's SQLSTATE for a deadlock: the server aborted this transaction so the other could go on. */
const DEADLOCK = '40P01';

/**
 * Runs setup that instances starting together may run at once, again after a deadlock.
 * pg-boss creates a table partition per queue and attaches it to its job table: two
 * instances creating queues at the same moment lock the queue table and the job table in
 * opposite orders, and PostgreSQL aborts one of them. Queue creation is idempotent
 * (ON CONFLICT DO NOTHING), so the loser only has to try again.
 */
export async function retryOnDeadlock<T>(
  run: () => Promise<T>,
  o: { attempts?: number; delayMs?: (attempt: number) => number } = {},
): Promise<T> {
  const attempts = o.attempts ?? 5;
  const delayMs = o.delayMs ?? ((attempt: number) => 50 * attempt + Math.random() * 150);
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (attempt >= attempts || (err as { code?: unknown }).code !== DEADLOCK) throw err;
      await new Promise((resolve) => setTimeout(resolve, delayMs(attempt)));
    }
  }
}

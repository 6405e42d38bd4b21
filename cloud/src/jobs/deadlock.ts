/** PostgreSQL's SQLSTATE for a deadlock: the server aborted this transaction so the other could go on. */
const DEADLOCK = '40P01';
/**
 * A unique violation in the catalogue: two `CREATE SCHEMA IF NOT EXISTS` at the same moment both
 * see no schema and the second insert into pg_namespace fails (seen when two instances start pg-boss together).
 */
const CATALOGUE_RACE = '23505';

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
      const code = (err as { code?: unknown }).code;
      if (attempt >= attempts || (code !== DEADLOCK && code !== CATALOGUE_RACE)) throw err;
      await new Promise((resolve) => setTimeout(resolve, delayMs(attempt)));
    }
  }
}

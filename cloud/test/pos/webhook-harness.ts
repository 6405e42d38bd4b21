/** What the POS webhook tests (Square, Toast) share: posting to a connection's webhook, waiting on its jobs, reading SALE rows. */
import type { TestCloud } from '../support/cloud.js';
import { waitFor } from '../support/device.js';

/** POSTs a raw body (signatures are over the exact bytes) to a connection's webhook; the JSON answer back. */
export async function postWebhook(t: TestCloud, provider: string, id: string, body: string, headers: Record<string, string>) {
  const res = await fetch(`${t.cloud.url}/api/v1/pos/${provider}/webhook/${id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** Waits until the job is done; a failed job fails the test with its error rather than timing out. */
export const jobDone = (t: TestCloud, id: string) =>
  waitFor(async () => {
    const j = await t.api('GET', `/api/v1/jobs/${id}`, { token: t.ownerToken });
    if (j.body.status === 'failed') throw new Error(`job failed: ${j.body.error}`);
    return j.body.status === 'done' ? j.body : undefined;
  });

/** The demo organisation's SALE rows for one item: their summed quantity and how many. */
export async function sold(t: TestCloud, itemId: string) {
  const { rows } = await t.cloud.db.query<{ q: number; n: number }>(
    `SELECT COALESCE(sum(quantity), 0)::float8 AS q, count(*)::int AS n FROM transactions WHERE org_id = $1 AND item_id = $2 AND type = 'SALE'`,
    [t.demo.orgId, itemId],
  );
  return rows[0]!;
}

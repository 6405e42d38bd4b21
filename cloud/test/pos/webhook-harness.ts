/** What the POS webhook tests (Square, Toast) share: posting to a connection's webhook, waiting on its jobs, reading SALE rows. */
import { createHmac } from 'node:crypto';
import { expect } from 'vitest';
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

/** Square's documented signature, computed here on its own: base64(HMAC-SHA256(key, notification URL + body)). */
export const squareSignature = (key: string, url: string, body: string) =>
  createHmac('sha256', key)
    .update(url + body)
    .digest('base64');

/** Delivers a Square event to a connection, signed as Square signs it, and waits for the jobs it queued. */
export async function deliverSquare(t: TestCloud, conn: { id: string; webhookUrl: string }, key: string, event: unknown) {
  const body = JSON.stringify(event);
  const r = await postWebhook(t, 'square', conn.id, body, { 'x-square-hmacsha256-signature': squareSignature(key, conn.webhookUrl, body) });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  for (const id of r.body.jobIds as string[]) await jobDone(t, id);
  return r.body as { duplicate: boolean; jobIds: string[] };
}

/** A Square connection of the demo venue's main bar, at Square location L-ANCHOR. */
export async function connectSquare(t: TestCloud, o: { accessToken: string; key: string }) {
  const c = await t.api('POST', '/api/v1/pos/connections', {
    token: t.ownerToken,
    body: {
      provider: 'square',
      venueId: t.demo.venueId,
      locationId: t.demo.locations.mainBar,
      providerLocationId: 'L-ANCHOR',
      credentials: { accessToken: o.accessToken },
      webhookSignatureKey: o.key,
    },
  });
  expect(c.status, JSON.stringify(c.body)).toBe(201);
  return c.body as { id: string; webhookUrl: string };
}

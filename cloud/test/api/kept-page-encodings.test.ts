/**
 * Kept pages (items, a location's stock) sent compressed: the copy is made once per page version
 * and sent as it is (kept-page.ts), not compressed again per request. Read raw over HTTP (fetch
 * would decompress and hide the encoding): each compressed answer must be the plain page exactly,
 * carry its own ETag (a 304 names that representation) and be new after the page changes.
 */
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestCloud } from '../support/cloud.js';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const decoded = (res: Raw) => {
  const encoding = res.headers['content-encoding'];
  if (encoding === 'br') return brotliDecompressSync(res.body);
  if (encoding === 'gzip') return gunzipSync(res.body);
  expect(encoding).toBeUndefined();
  return res.body;
};

describe('kept pages sent compressed', () => {
  let t: TestCloud;
  const get = (path: string, headers: Record<string, string> = {}) =>
    new Promise<Raw>((resolve, reject) => {
      const req = request(`${t.cloud.url}${path}`, { headers: { authorization: `Bearer ${t.ownerToken}`, ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  const paths = () => [`/api/v1/inventory/items?limit=500`, `/api/v1/inventory/locations/${t.demo.locations.mainBar}/stock`];
  beforeAll(async () => {
    t = await build();
  });
  afterAll(() => t?.close());

  it.each([
    ['gzip, deflate, br, zstd', 'br'],
    ['gzip, br', 'br'],
    ['gzip', 'gzip'],
    ['br;q=0.5, gzip', 'gzip'],
    ['*', 'gzip'],
  ])('Accept-Encoding %s gets %s: the plain page exactly, with its own ETag and vary', async (accept, encoding) => {
    for (const path of paths()) {
      const plain = await get(path);
      expect(plain.status).toBe(200);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.headers.vary).toBe('accept-encoding');
      const packed = await get(path, { 'accept-encoding': accept });
      expect(packed.status).toBe(200);
      expect(packed.headers['content-encoding']).toBe(encoding);
      expect(packed.headers.vary).toBe('accept-encoding');
      expect(packed.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(decoded(packed).equals(plain.body)).toBe(true);
      // one ETag per representation (RFC 9110 8.8.3): a cache must not take one for the other
      expect(packed.headers.etag).toMatch(/^".+"$/);
      expect(packed.headers.etag).not.toBe(plain.headers.etag);
    }
  });

  it("a page under the compression threshold goes plain, with the plain page's ETag", async () => {
    const plain = await get('/api/v1/inventory/items?limit=1');
    expect(plain.body.length).toBeLessThan(1024);
    const asked = await get('/api/v1/inventory/items?limit=1', { 'accept-encoding': 'gzip, br' });
    expect(asked.headers['content-encoding']).toBeUndefined();
    expect(asked.headers.etag).toBe(plain.headers.etag);
    expect(asked.body.equals(plain.body)).toBe(true);
  });

  it("answers 304 to the compressed representation's ETag (weak or strong), 200 to another representation's", async () => {
    for (const path of paths()) {
      const packed = await get(path, { 'accept-encoding': 'gzip, br' });
      const etag = packed.headers.etag as string;
      const again = await get(path, { 'accept-encoding': 'gzip, br', 'if-none-match': etag });
      expect(again.status).toBe(304);
      expect(again.headers.etag).toBe(etag);
      expect(again.body.length).toBe(0);
      expect((await get(path, { 'accept-encoding': 'gzip, br', 'if-none-match': `"other", W/${etag}` })).status).toBe(304);
      // the plain page's ETag names the plain bytes, not these
      const plainTag = (await get(path)).headers.etag as string;
      expect((await get(path, { 'accept-encoding': 'gzip, br', 'if-none-match': plainTag })).status).toBe(200);
      expect((await get(path, { 'if-none-match': plainTag })).status).toBe(304);
    }
  });

  it('after an announced change the compressed copy is new: it decompresses to the new page', async () => {
    const path = '/api/v1/inventory/items?limit=500';
    const before = await get(path, { 'accept-encoding': 'gzip, br' });
    const oldPage = decoded(before).toString();
    const top = (JSON.parse(oldPage) as { items: { id: string; name: string }[] }).items[0]!;
    const patched = await t.api('PATCH', `/api/v1/inventory/items/${top.id}`, {
      token: t.ownerToken,
      body: { name: `${top.name} (relabelled)` },
    });
    expect(patched.status).toBe(200);
    const after = await get(path, { 'accept-encoding': 'gzip, br', 'if-none-match': before.headers.etag as string });
    expect(after.status).toBe(200);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    const newPage = decoded(after).toString();
    expect(newPage).toContain(`${top.name} (relabelled)`);
    expect(newPage).toBe((await get(path)).body.toString());
  });
});

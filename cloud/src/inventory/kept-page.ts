import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BROTLI_QUALITY, chooseEncoding, COMPRESS_THRESHOLD, type Encoding } from '../plugins/compress.js';

const compressors: Record<Encoding, (json: Buffer) => Promise<Buffer>> = {
  br: (json) => promisify(brotliCompress)(json, { params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } }),
  gzip: (json) => promisify(gzip)(json),
};
/** marks an encoded representation's ETag: each representation has its own (RFC 9110 8.8.3) */
const SUFFIX: Record<Encoding, string> = { br: 'br', gzip: 'gz' };

/**
 * A kept page as sent: its JSON (UTF-8 bytes, no encoding per request), an ETag made of it (the
 * same on every instance), and its compressed copies, each made on the first request that asks
 * for it and kept with this page: a new version of the page is a new KeptPage, with none yet.
 */
export interface KeptPage {
  json: Buffer;
  etag: string;
  encoded: Partial<Record<Encoding, Promise<Buffer>>>;
  /** told the size of each compressed copy once made: whoever keeps the page counts it in their bound */
  copied?: (bytes: number) => void;
}

export function pageOf(answer: unknown): KeptPage {
  const json = Buffer.from(JSON.stringify(answer));
  return { json, etag: `"${createHash('sha1').update(json).digest('base64url')}"`, encoded: {} };
}

/** The representation the client accepts: Content-Encoding, ETag and body (the plain one when small or unaccepted). */
export function representation(page: KeptPage, acceptEncoding: string | undefined) {
  const encoding = page.json.length < COMPRESS_THRESHOLD ? undefined : chooseEncoding(acceptEncoding);
  if (!encoding) return { encoding, etag: page.etag, body: () => Promise.resolve(page.json) };
  const body = () =>
    (page.encoded[encoding] ??= compressors[encoding](page.json).then((copy) => {
      page.copied?.(copy.length);
      return copy;
    }));
  return { encoding, etag: `${page.etag.slice(0, -1)}.${SUFFIX[encoding]}"`, body };
}

/**
 * Sends a kept page as the client accepts it, or 304 when If-None-Match names that
 * representation (weak comparison, as RFC 9110 13.1.2 asks). The compress plugin leaves it be.
 */
export async function sendPage(req: FastifyRequest, reply: FastifyReply, page: KeptPage): Promise<FastifyReply> {
  const chosen = representation(page, req.headers['accept-encoding']);
  // a browser keeps it but asks each time (If-None-Match); no shared cache keeps it at all
  reply.header('etag', chosen.etag).header('cache-control', 'private, no-cache').header('vary', 'accept-encoding');
  const asked = req.headers['if-none-match']?.split(/\s*,\s*/).map((tag) => tag.replace(/^W\//, ''));
  if (asked?.includes(chosen.etag)) return reply.code(304).send();
  if (chosen.encoding) reply.header('content-encoding', chosen.encoding);
  return reply.type('application/json; charset=utf-8').send((await chosen.body()) as never);
}

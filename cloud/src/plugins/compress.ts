import { constants } from 'node:zlib';
import fastifyCompress from '@fastify/compress';
import type { FastifyInstance } from 'fastify';

/** answers below it go as they are: compressing them saves less than it costs */
export const COMPRESS_THRESHOLD = 1024;
/** what the plugin offers, best first (a client's q-values win over this order) */
export const ENCODINGS = ['br', 'gzip'] as const;
export type Encoding = (typeof ENCODINGS)[number];
/** Brotli at quality 4 on the fly: nearly gzip's speed, smaller output; 11 is for the build */
export const BROTLI_QUALITY = 4;

/**
 * The encoding the plugin would send for this Accept-Encoding, or undefined for none: for the
 * answers sent already compressed (kept pages), so they match what the plugin does with the rest.
 * As @fastify/accept-negotiator: highest q wins, ties go to ENCODINGS' order; `*` and x-gzip mean gzip.
 */
export function chooseEncoding(acceptEncoding: string | undefined): Encoding | undefined {
  if (!acceptEncoding) return undefined;
  let best: { encoding: Encoding; q: number } | undefined;
  for (const offer of acceptEncoding.toLowerCase().split(',')) {
    const [token, ...params] = offer.split(';').map((part) => part.trim());
    const name = token === '*' || token === 'x-gzip' ? 'gzip' : token;
    const encoding = ENCODINGS.find((known) => known === name);
    if (!encoding) continue;
    const qParam = params.find((param) => param.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!(q > 0)) continue;
    if (!best || q > best.q || (q === best.q && ENCODINGS.indexOf(encoding) < ENCODINGS.indexOf(best.encoding))) best = { encoding, q };
  }
  return best?.encoding;
}

/**
 * Brotli or gzip, as the client accepts, for every compressible answer above 1 KB: the API's
 * JSON and any dashboard file without a precompressed copy (the build writes .br and .gz beside
 * its files; the dashboard plugin serves those as they are). Answers that come with their
 * Content-Encoding set (kept pages, kept-page.ts) pass through. Registered before every route.
 */
export async function compressPlugin(app: FastifyInstance): Promise<void> {
  await app.register(fastifyCompress, {
    global: true,
    threshold: COMPRESS_THRESHOLD,
    encodings: [...ENCODINGS],
    brotliOptions: { params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } },
  });
}

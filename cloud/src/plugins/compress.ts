import { constants } from 'node:zlib';
import fastifyCompress from '@fastify/compress';
import type { FastifyInstance } from 'fastify';

/**
 * Brotli or gzip, as the client accepts, for every compressible answer above 1 KB: the API's
 * JSON and any dashboard file without a precompressed copy (the build writes .br and .gz beside
 * its files; the dashboard plugin serves those as they are). Brotli at quality 4 on the fly:
 * nearly gzip's speed, smaller output; 11 is for the build. Registered before every route.
 */
export async function compressPlugin(app: FastifyInstance): Promise<void> {
  await app.register(fastifyCompress, {
    global: true,
    threshold: 1024,
    encodings: ['br', 'gzip'],
    brotliOptions: { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } },
  });
}

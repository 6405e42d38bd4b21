import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** The built dashboard (`npm run build -w dashboard`). */
export const DASHBOARD_DIST = fileURLToPath(new URL('../../../dashboard/dist/', import.meta.url));

/**
 * Serves the dashboard at `/`. Its router works on the URL hash, so no
 * catch-all route is needed and unknown paths keep the API's 404 shape.
 * Without a build the cloud still runs, and `/` says how to make one.
 * Register the compress plugin first: files without a precompressed copy are compressed on the fly.
 */
export async function dashboardPlugin(app: FastifyInstance, options: { dir?: string } = {}): Promise<void> {
  const dir = options.dir ?? DASHBOARD_DIST;
  if (!existsSync(`${dir}/index.html`)) {
    app.get('/', async (_req, reply) =>
      reply.type('text/plain').send('The dashboard is not built: run `npm run build -w dashboard` (npm start does it for you).\n'),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    // the build's .br and .gz copies, when the browser accepts them (Vary: Accept-Encoding)
    preCompressed: true,
    // hashed assets can be cached for good; index.html and the service worker must be revalidated
    setHeaders: (reply, path) =>
      void reply.header('cache-control', /\/assets\//.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache'),
  });
}

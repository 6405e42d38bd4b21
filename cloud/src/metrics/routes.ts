import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.js';
import type { CloudMetrics } from './metrics.js';

export interface MetricsOptions {
  metrics: CloudMetrics;
  /** absent: /metrics answers loopback only */
  token?: string | undefined;
}

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;
const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Who may scrape. With metrics.token set: whoever sends it as a bearer token (a Prometheus on
 * another host). Without: only a client on this host talking to it directly; a request that came
 * through a proxy (X-Forwarded-For, Forwarded) is refused even from loopback, since the proxy
 * may be the public one.
 */
function check(req: FastifyRequest, token: string | undefined): void {
  if (token) {
    const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!given || !timingSafeEqual(digest(given), digest(token)))
      throw new AppError(401, 'unauthorized', 'send the metrics token (metrics.token) as a bearer token');
    return;
  }
  const proxied = req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined;
  if (proxied || !LOOPBACK.test(req.socket.remoteAddress ?? ''))
    throw new AppError(
      403,
      'forbidden',
      '/metrics answers loopback only; set metrics.token (SMARTSTOCK_METRICS_TOKEN) to scrape from elsewhere',
    );
}

/** HTTP latency of every route (by its pattern), and GET /metrics in Prometheus' text format. */
export const metricsPlugin = fp(
  async (app: FastifyInstance, options: MetricsOptions) => {
    // a callback, not an async hook: no promise made and awaited on every request
    app.addHook('onResponse', (req, reply, done) => {
      // the pattern, never the raw URL: ids in paths and scanners' junk must not become label values
      options.metrics.http(req.method, req.routeOptions.url ?? '(unmatched)', reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
    app.get('/metrics', { schema: { hide: true }, config: { rateLimit: false } }, async (req, reply) => {
      check(req, options.token);
      const body = await options.metrics.registry.metrics();
      return reply.type(options.metrics.registry.contentType).header('cache-control', 'no-store').send(body);
    });
  },
  { name: 'metrics' },
);

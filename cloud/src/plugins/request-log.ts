import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';

/** Why a request was refused or failed, as its answer said it (the error handler records it). */
export interface Refusal {
  code: string;
  message: string;
  /** an unexpected failure's error, stack and all (a 5xx the code did not mean) */
  err?: unknown;
}

declare module 'fastify' {
  interface FastifyRequest {
    refusal: Refusal | null;
  }
}

/** the levels at which a success is logged: at any other the line is not even built */
const VERBOSE = new Set(['debug', 'trace']);

const summary = (req: FastifyRequest, status: number, ms: number) => ({
  method: req.method,
  route: req.routeOptions.url ?? null,
  status,
  ms: Math.round(ms * 10) / 10,
});

/** Records why req is answered with an error, for its one log line. */
export const refuse = (req: FastifyRequest, refusal: Refusal): void => {
  req.refusal = refusal;
};

/**
 * One log line per request, as it is answered, in place of Fastify's two at info: a success is
 * routine (debug: LOG_LEVEL=debug shows it), a refusal (4xx) is worth a look (info, with the
 * code and message the client got), a failure (5xx) needs one (error, with the error's stack when
 * it was unexpected). The route is its pattern (/inventory/locations/:id/stock): no ids, no query
 * string (where a client may wrongly put a token), never a header or a body.
 */
export default fp(
  async (app) => {
    app.decorateRequest('refusal', null);
    app.addHook('onResponse', (req, reply, done) => {
      const status = reply.statusCode;
      if (status < 400) {
        if (VERBOSE.has(req.log.level)) req.log.debug(summary(req, status, reply.elapsedTime), 'request answered');
      } else {
        const { err, ...why } = req.refusal ?? { code: String(status), message: '' };
        const line = { ...summary(req, status, reply.elapsedTime), ...why, ...(err ? { err } : {}) };
        if (status >= 500) req.log.error(line, 'request failed');
        else req.log.info(line, 'request refused');
      }
      done();
    });
  },
  { name: 'request-log' },
);

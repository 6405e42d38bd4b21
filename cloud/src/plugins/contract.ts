import fp from 'fastify-plugin';

/** A status that carries the answer: 2xx, or 101 for the live socket's messages. */
const SUCCESS = /^(101|2\d\d|2xx)$/;

/**
 * Every /api route answers through a response schema from @smartstock/api, so
 * Fastify serialises with it (an answer outside it is a 500) and the OpenAPI
 * document shows it. A route registered without one is refused, and the cloud
 * does not start.
 */
export default fp(
  async (app) => {
    app.addHook('onRoute', (route) => {
      if (!route.url.startsWith('/api/')) return;
      const codes = Object.keys((route.schema?.response as object | undefined) ?? {});
      if (!codes.some((c) => SUCCESS.test(c)))
        throw new Error(`${String(route.method)} ${route.url} has no response schema for its success: add one from @smartstock/api`);
    });
  },
  { name: 'contract' },
);

import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import websocket from '@fastify/websocket';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from '@smartstock/protocol/runtime';
import type { Db } from './db/index.js';
import { repos } from './repositories/index.js';
import type { CloudConfig } from './config.js';
import errors from './plugins/errors.js';
import textInput from './plugins/text-input.js';
import auth from './plugins/auth.js';
import docs from './plugins/docs.js';
import type { Services } from './routes/types.js';
import authRoutes from './routes/auth.js';
import venueRoutes from './routes/venues.js';
import itemRoutes from './routes/items.js';
import inventoryRoutes from './routes/inventory.js';
import deviceRoutes from './routes/devices.js';
import liveRoutes from './routes/live.js';
import { alertRoutes, type AlertRoutesOptions } from './alerts/routes.js';
import { visionRoutes } from './vision/routes.js';
import type { VisionService } from './vision/vision.service.js';
import { dashboardPlugin } from './plugins/dashboard.js';
import type { RedisLink } from './redis/client.js';
import { sharedRateLimitStore } from './redis/rate-limit-store.js';
import { correctionRoutes } from './corrections/routes.js';
import type { CorrectionService } from './corrections/correction.service.js';

export interface AppDeps {
  db: Db;
  logger: Logger;
  config: CloudConfig;
  jwtSecret: string;
  /** built by buildServices once the JWT signer exists */
  services: (app: FastifyInstance) => Services;
  /** REDIS_URL: rate limits shared by every instance */
  redis?: RedisLink | undefined;
  /** startAlerts().routeOptions */
  alerts?: AlertRoutesOptions | undefined;
  vision?: VisionService | undefined;
  corrections?: CorrectionService | undefined;
}

/** Never log a token: the live socket carries one in its query string. */
const reqSerializer = (req: FastifyRequest) => ({
  method: req.method,
  url: req.url.replace(/([?&]token=)[^&]*/g, '$1[redacted]'),
  reqId: req.id,
});

/** Builds the HTTP app without listening, so tests drive it with inject() or a real port alike. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const logger = deps.logger.child({ module: 'http' }, { serializers: { req: reqSerializer as never } });
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    trustProxy: deps.config.http.trustProxy,
    bodyLimit: 1024 * 1024,
    // the router's default (100) turns a longer path parameter into "no route" (404); as long as
    // Node's header limit allows, the route matches and its schema names the field in a 400
    routerOptions: { maxParamLength: 16 * 1024 },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(errors);
  await app.register(textInput);
  await app.register(docs);
  await app.register(rateLimit, {
    global: true,
    max: deps.config.rateLimit.max,
    timeWindow: deps.config.rateLimit.windowSeconds * 1000,
    ...(deps.redis ? { store: sharedRateLimitStore(deps.redis, logger.child({ module: 'rate-limit' })) } : {}),
    errorResponseBuilder: (_req, ctx) =>
      Object.assign(new Error(`too many requests; try again in ${Math.ceil(ctx.ttl / 1000)} s`), { statusCode: 429 }),
  });
  await app.register(auth, {
    secret: deps.jwtSecret,
    accessTokenTtlSeconds: deps.config.auth.accessTokenTtlSeconds,
    mustChangePassword: (userId) => repos(deps.db).users.mustChangePassword(userId),
  });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  app.decorate('services', deps.services(app));

  app.get('/healthz', { schema: { hide: true }, config: { rateLimit: false } }, async (_req, reply) => {
    try {
      await deps.db.query('SELECT 1');
      return { status: 'ok', database: deps.db.kind };
    } catch (e) {
      return reply.code(503).send({ status: 'unavailable', database: deps.db.kind, error: (e as Error).message });
    }
  });
  await app.register(
    async (api) => {
      await api.register(authRoutes, { loginRateLimit: deps.config.auth.loginRateLimit });
      await api.register(venueRoutes);
      await api.register(itemRoutes);
      await api.register(inventoryRoutes);
      await api.register(deviceRoutes, { snapshotTimeoutMs: deps.config.snapshotTimeoutMs });
      await api.register(liveRoutes);
      if (deps.alerts) await api.register(alertRoutes, deps.alerts);
      if (deps.vision) await api.register(visionRoutes, { vision: deps.vision });
      if (deps.corrections) await api.register(correctionRoutes, { corrections: deps.corrections });
    },
    { prefix: '/api/v1' },
  );
  await app.register(dashboardPlugin);
  return app;
}

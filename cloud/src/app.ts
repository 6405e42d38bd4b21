import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import websocket from '@fastify/websocket';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { health } from '@smartstock/api';
import type { Logger } from '@smartstock/runtime';
import type { Db } from './db/index.js';
import type { CloudConfig } from './config.js';
import errors from './plugins/errors.js';
import requestLog from './plugins/request-log.js';
import { requestLogger } from './plugins/request-logger.js';
import textInput from './plugins/text-input.js';
import auth from './plugins/auth.js';
import docs from './plugins/docs.js';
import { forecastModule, type CalendarService, type ForecastService } from './forecast/index.js';
import { jobRoutes, type JobQueue } from './jobs/index.js';
import contract from './plugins/contract.js';
import { dashboardPlugin } from './plugins/dashboard.js';
import { compressPlugin } from './plugins/compress.js';
import type { Principal } from './plugins/principal.js';
import type { RedisLink } from './redis/client.js';
import { sharedRateLimitStore } from './redis/rate-limit-store.js';
import { ping } from './db/index.js';
import { authModule, type AuthService } from './auth/index.js';
import type { UserService } from './users/index.js';
import { venuesModule, type VenueService } from './venues/index.js';
import { inventoryModule, type CatalogueService, type InventoryService } from './inventory/index.js';
import { devicesModule, type DeviceService } from './devices/index.js';
import { deadLettersModule, type DeadLetterService } from './ingest/index.js';
import { liveModule, LIVE_PROTOCOL, type LiveHub } from './live/index.js';
import { alertsModule, type AlertRoutesOptions } from './alerts/index.js';
import { visionModule, type VisionService } from './vision/index.js';
import { correctionsModule, type CorrectionService } from './corrections/index.js';
import { suppliersModule, type SupplierService } from './suppliers/index.js';
import { ordersModule, type OrderService, type SuggestionService } from './orders/index.js';
import { invoicesModule, type ApprovalDeps, type InvoiceService } from './invoices/index.js';
import { recipesModule, type RecipeService } from './recipes/index.js';
import { posModule, type CsvImportService, type PosService } from './pos/index.js';
import { varianceModule, type VarianceService } from './variance/index.js';
import { oidcModule, type OidcService } from './oidc/index.js';
import { orgsModule, type ExportService, type InvitationService, type OrgService } from './orgs/index.js';
import { blobsModule, type BlobStore } from './blobs/index.js';
import { auditModule, type AuditService } from './audit/index.js';
import { metricsPlugin, type CloudMetrics } from './metrics/index.js';
import type { AccuracyService } from './vision/index.js';

/** What each module's plugin is handed: its service, built in server.ts. */
export interface ApiModules {
  auth: AuthService;
  users: UserService;
  venues: VenueService;
  inventory: InventoryService;
  /** items' barcodes */
  catalogue?: CatalogueService | undefined;
  devices: DeviceService;
  live: LiveHub;
  /** startAlerts().routeOptions */
  alerts?: AlertRoutesOptions | undefined;
  vision?: VisionService | undefined;
  corrections?: CorrectionService | undefined;
  jobs?: JobQueue | undefined;
  suppliers?: SupplierService | undefined;
  orders?: { orders: OrderService; suggestions: SuggestionService } | undefined;
  invoices?: { invoices: InvoiceService; approval: ApprovalDeps } | undefined;
  forecast?: ForecastService | undefined;
  calendar?: CalendarService | undefined;
  recipes?: RecipeService | undefined;
  pos?: { pos: PosService; csv: CsvImportService } | undefined;
  variance?: VarianceService | undefined;
  deadLetters?: DeadLetterService | undefined;
  orgs?: { orgs: OrgService; invitations: InvitationService; exports: ExportService } | undefined;
  oidc?: OidcService | undefined;
  /** object storage: GET /blobs/<key> */
  blobs?: BlobStore | undefined;
  accuracy?: AccuracyService | undefined;
  audit?: AuditService | undefined;
}

export interface AppDeps {
  db: Db;
  logger: Logger;
  config: CloudConfig;
  jwtSecret: string;
  /** the modules' services; called once the app's JWT signer exists, which the auth service signs access tokens with */
  modules: (signAccessToken: (p: Principal) => string) => ApiModules;
  /** REDIS_URL: rate limits shared by every instance */
  redis?: RedisLink | undefined;
  /** GET /metrics and HTTP latency by route */
  metrics?: CloudMetrics | undefined;
}

/** Never log a token, even one a client wrongly put in a query string. */
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
    // one line a request, at a level by its outcome (request-log.ts), instead of two at info
    logController: new LogController({ disableRequestLogging: true }),
    // req.log's pino child made only when the request logs something (request-logger.ts)
    childLoggerFactory: requestLogger,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(requestLog);
  await app.register(errors);
  // first: its latency hook then sees every route registered after it
  if (deps.metrics) await app.register(metricsPlugin, { metrics: deps.metrics, token: deps.config.metrics.token });
  await compressPlugin(app);
  await app.register(textInput);
  await app.register(contract);
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
    // asked only for a token issued on a one-time password, by which time the modules exist
    mustChangePassword: (userId) => modules.users.mustChangePassword(userId),
    roleOf: (orgId, userId) => modules.users.roles.roleOf(orgId, userId),
    // a suspended organisation's members are refused on every request, not only at their next sign-in
    orgRefusal: async (orgId) => modules.orgs?.orgs.status.refusal(orgId),
  });
  // answers the live protocol only, never echoing the bearer.<token> a client offers beside it
  await app.register(websocket, {
    options: { maxPayload: 64 * 1024, handleProtocols: (protocols) => (protocols.has(LIVE_PROTOCOL) ? LIVE_PROTOCOL : false) },
  });
  const modules: ApiModules = deps.modules((principal) => app.jwt.sign(principal));

  app.get(
    '/healthz',
    { schema: { hide: true, response: { 200: health, 503: health } }, config: { rateLimit: false } },
    async (_req, reply) => {
      try {
        await ping(deps.db);
        return { status: 'ok', database: deps.db.kind };
      } catch (e) {
        return reply.code(503).send({ status: 'unavailable', database: deps.db.kind, error: (e as Error).message });
      }
    },
  );
  await app.register(
    async (api) => {
      await api.register(authModule, { auth: modules.auth, users: modules.users, loginRateLimit: deps.config.auth.loginRateLimit });
      await api.register(venuesModule, { venues: modules.venues });
      await api.register(inventoryModule, { inventory: modules.inventory, catalogue: modules.catalogue });
      await api.register(devicesModule, { devices: modules.devices, snapshotTimeoutMs: deps.config.snapshotTimeoutMs });
      await api.register(liveModule, { hub: modules.live, venues: modules.venues, maxBehindBytes: deps.config.live.maxBehindBytes });
      if (modules.alerts) await api.register(alertsModule, modules.alerts);
      if (modules.vision) await api.register(visionModule, { vision: modules.vision, accuracy: modules.accuracy });
      if (modules.corrections) await api.register(correctionsModule, { corrections: modules.corrections });
      if (modules.jobs) await api.register(jobRoutes, { jobs: modules.jobs });
      if (modules.suppliers) await api.register(suppliersModule, { suppliers: modules.suppliers });
      if (modules.orders) await api.register(ordersModule, modules.orders);
      if (modules.invoices) await api.register(invoicesModule, modules.invoices);
      if (modules.forecast) await api.register(forecastModule, { forecast: modules.forecast, calendar: modules.calendar });
      if (modules.recipes) await api.register(recipesModule, { recipes: modules.recipes });
      if (modules.pos) await api.register(posModule, modules.pos);
      if (modules.variance) await api.register(varianceModule, { variance: modules.variance });
      if (modules.deadLetters) await api.register(deadLettersModule, { deadLetters: modules.deadLetters });
      if (modules.orgs) await api.register(orgsModule, { ...modules.orgs, signupRateLimit: deps.config.auth.loginRateLimit });
      if (modules.oidc) await api.register(oidcModule, { oidc: modules.oidc, rateLimit: deps.config.auth.loginRateLimit });
      if (modules.blobs) await api.register(blobsModule, { blobs: modules.blobs, signedUrlSeconds: deps.config.blobs.s3.signedUrlSeconds });
      if (modules.audit) await api.register(auditModule, { audit: modules.audit });
    },
    { prefix: '/api/v1' },
  );
  await app.register(dashboardPlugin);
  return app;
}

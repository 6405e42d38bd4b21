import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { createLogger, listenError, type Logger } from '@smartstock/runtime';
import { writeSecret } from '@smartstock/pki';
import { parseCloudConfig, type CloudConfigInput } from './config.js';
import { buildApp } from './app.js';
import { migrate, openDb, type Db } from './db/index.js';
import { JobQueue } from './jobs/index.js';
import { startEmbeddedBroker, type EmbeddedBroker } from './broker/embedded.js';
import { connectRedis } from './redis/client.js';
import { redisBus } from './redis/bus.js';
import { AuthService } from './auth/index.js';
import { passwordHasher, UserService, type SeededOwner } from './users/index.js';
import type { Principal } from './plugins/principal.js';
import { VenueService } from './venues/index.js';
import { InventoryService, ObservationService } from './inventory/index.js';
import { DeviceService } from './devices/index.js';
import { createIngestLink, DeadLetterService, deadLetterLimit, dispatcher, startDeadLetterPruner } from './ingest/index.js';
import { LiveHub } from './live/index.js';
import { startAlerts } from './alerts/index.js';
import { CorrectionService } from './corrections/index.js';
import { VisionRunner, VisionService } from './vision/index.js';
import { ForecastRunner, ForecastService } from './forecast/index.js';
import { seedDemo, type DemoSeed } from './seed/index.js';
import { SupplierService } from './suppliers/index.js';
import { OrderService, SuggestionService } from './orders/index.js';
import { RecipeService } from './recipes/index.js';
import { CsvImportService, PosService, SalesLedger, SecretBox, SquareAdapter, posSecretKey } from './pos/index.js';
import { VarianceService } from './variance/index.js';
import { ExportService, InvitationService, OrgService } from './orgs/index.js';
import { OidcService } from './oidc/index.js';
import { SecretBox as Box, secretKey } from './plugins/secret-box.js';

export interface RunningCloud {
  url: string;
  /** where devices connect: the embedded broker's mqtts:// URL, or the external broker's */
  brokerUrl: string;
  /** the embedded broker's PKI directory (ca.crt, ca.key, broker.crt): provisioning issues device certificates from it */
  pkiDir: string | undefined;
  caCertPath: string | undefined;
  /** the organisation created on first start (or the first one found later) */
  orgId: string;
  /** set only on the very first start: who was created, and a generated one-time password if none was configured */
  seededOwner: SeededOwner | undefined;
  db: Db;
  logger: Logger;
  /** the job queue: features register their kinds of job on it */
  jobs: JobQueue;
  /** seeds the demo venue "The Anchor" (locations, ~20 spirits) into the organisation; idempotent */
  seedDemo(orgId?: string): Promise<DemoSeed>;
  /**
   * An access token for the seeded owner, for tools running in this process (the demo's first-start
   * set-up). It carries no one-time-password mark: the owner is still asked to change theirs at sign-in.
   */
  ownerAccessToken(): string | undefined;
  stop(): Promise<void>;
}

/** Starts the cloud: database and migrations, first-start owner, embedded broker (unless MQTT_URL), ingest, live hub, HTTP. */
export async function startCloud(input: CloudConfigInput): Promise<RunningCloud> {
  const config = parseCloudConfig(input);
  const logger = createLogger('cloud', { level: config.logLevel });
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const db = await openDb({ url: config.database.url, dataDir: config.database.memory ? 'memory://' : join(dataDir, 'pglite') });
  const ran = await migrate(db);
  const redis = config.redis.url ? connectRedis(config.redis.url, config.redis.keyPrefix, logger.child({ module: 'redis' })) : undefined;
  // before anything listens: live events and notifier wake-ups then travel over Redis instead of NOTIFY
  if (redis) db.useBus(redisBus(redis, logger.child({ module: 'bus' })));
  logger.info({ database: db.kind, migrations: ran, bus: db.bus }, 'database ready');

  const users = new UserService(db, passwordHasher(config.auth.argon2));
  await users.start();
  const seededOwner = await users.seedOwner(config.owner);
  if (seededOwner?.oneTimePassword) {
    // printed once, to the console only (never to the structured log): the owner must change it at first sign-in
    process.stdout.write(
      `\nSmartStock first start: sign in as ${seededOwner.email} with the one-time password ${seededOwner.oneTimePassword}\n\n`,
    );
  }
  const venues = new VenueService(db);
  const orgId = seededOwner?.orgId ?? (await venues.firstOrganisationId());
  const pruner = startDeadLetterPruner(db, config.deadLetters.retentionDays, logger);

  // Every service is built here and handed what it needs; modules' plugins get their service as register options.
  const alerts = await startAlerts({ db, config: config.alerts, logger });
  // connected after the HTTP port is known (it names the MQTT client); services hold it from the start
  const link = createIngestLink();
  const inventory = new InventoryService(db, alerts.feed);
  const observations = new ObservationService(db, alerts.feed);
  let broker: EmbeddedBroker | undefined;
  // the embedded broker, once started: revocation ends the device's open connection at once
  const devices = new DeviceService(db, link, alerts.feed, { disconnect: (id) => broker?.disconnect(id) });

  if (!config.broker.url) {
    broker = await startEmbeddedBroker({
      dataDir,
      host: config.broker.embedded.host,
      port: config.broker.embedded.port,
      hostnames: config.broker.embedded.hostnames,
      logger,
      isRefused: async (id) => !!(await devices.forIngest(id))?.revokedAt,
    });
  }
  const visionRunner = new VisionRunner({ logger, ...config.vision });
  const jobs = new JobQueue({ db, logger, ...config.jobs });
  const vision = new VisionService(db, visionRunner, logger.child({ module: 'vision' }), jobs, config.vision.jobTimeoutSeconds);
  await vision.registerJobs();
  const forecastRunner = new ForecastRunner(logger.child({ module: 'forecast' }));
  const forecast = new ForecastService({
    db,
    runner: forecastRunner,
    inventory,
    logger: logger.child({ module: 'forecast' }),
    jobs,
    alerts: alerts.feed,
  });
  await forecast.registerJobs();
  const recipes = new RecipeService(db);
  const ledger = new SalesLedger(db, inventory);
  let listeningUrl = '';
  const pos = new PosService({
    db,
    jobs,
    ledger,
    box: new SecretBox(posSecretKey(config.pos.secretKey, dataDir)),
    adapters: [new SquareAdapter({ baseUrl: config.pos.squareApiUrl, version: config.pos.squareVersion })],
    publicBaseUrl: () => config.pos.publicBaseUrl ?? listeningUrl,
    fetchRetryDelaySeconds: config.pos.fetchRetryDelaySeconds,
  });
  await pos.registerJobs();
  // sales that waited for a recipe apply once one is saved; any still unmapped wait for the next
  recipes.onSaved((org, venue) =>
    pos.applyWaiting(org, venue).then(
      () => undefined,
      (err: unknown) => logger.warn({ err, module: 'pos', venueId: venue }, 'waiting sales not applied; they stay in the queue'),
    ),
  );
  const variance = new VarianceService({ db, inventory, alerts: alerts.feed, jobs, logger });
  await variance.registerJobs();
  const exports = new ExportService(db, jobs, config.orgs.exportRetentionDays);
  await exports.registerJobs();
  await jobs.start();
  forecast.startNightly();
  variance.start();
  const corrections = new CorrectionService(db, devices, inventory, logger.child({ module: 'corrections' }), config.snapshotTimeoutMs);
  const live = new LiveHub(db, logger.child({ module: 'live' }));
  // suggestions order from the stored forecasts; an item without one is ordered up to par
  const suggestions = new SuggestionService({ db, inventory, demand: forecast });
  const orders = new OrderService({ db, inventory, suggestions, mailer: alerts.notifier.email, logger });
  await live.start();
  // the app's JWT signer, once buildApp has made it: ownerAccessToken() signs with it
  let signAccessToken: ((p: Principal) => string) | undefined;
  // built with the auth service (which signs their sessions) once the app's JWT signer exists
  let orgs: OrgService | undefined;
  const publicUrl = () => config.orgs.publicUrl ?? config.pos.publicBaseUrl ?? listeningUrl;
  const app = await buildApp({
    db,
    logger,
    config,
    redis,
    jwtSecret: config.auth.jwtSecret ?? jwtSecretFile(dataDir),
    modules: (sign) => {
      const auth = new AuthService({
        db,
        users,
        signAccessToken: (signAccessToken = sign),
        refreshTtlSeconds: config.auth.refreshTokenTtlDays * 86_400,
        orgRefusal: async (id) => orgs?.status.refusal(id),
      });
      const invitations = new InvitationService({
        db,
        users,
        auth,
        logger,
        defaultTtlHours: config.orgs.invitationTtlHours,
        publicBaseUrl: publicUrl,
      });
      orgs = new OrgService({
        db,
        users,
        auth,
        logger,
        invitations,
        operators: config.orgs.operators,
        signupOpen: config.orgs.signupOpen,
        deletionGraceDays: config.orgs.deletionGraceDays,
        exports,
      });
      const oidc = new OidcService({
        db,
        users,
        auth,
        logger: logger.child({ module: 'oidc' }),
        box: new Box<{ clientSecret: string }>(secretKey(config.orgs.oidcSecretKey, dataDir, 'oidc-secret-key'), 'OIDC client secret'),
        // the dashboard takes the browser back and posts the query to /auth/oidc/callback
        redirectUri: () => `${publicUrl().replace(/\/$/, '')}/`,
      });
      return {
        auth,
        orgs: { orgs, invitations, exports },
        oidc,
        users,
        venues,
        inventory,
        devices,
        live,
        alerts: alerts.routeOptions,
        vision,
        corrections,
        jobs,
        suppliers: new SupplierService(db),
        orders: { orders, suggestions },
        forecast,
        recipes,
        pos: { pos, csv: new CsvImportService(db, pos, ledger) },
        variance,
        deadLetters: new DeadLetterService(db),
      };
    },
  });
  await orgs!.start();
  orgs!.startHousekeeping();
  const url = await app
    .listen({ host: config.http.host, port: config.http.port })
    .catch((e: unknown) => Promise.reject(listenError(e, 'http.port', config.http.host, config.http.port)));
  listeningUrl = url;
  const readFile = (p?: string) => (p ? readFileSync(p, 'utf8') : undefined);
  await link.start(
    {
      url: config.broker.url,
      connectInternal: broker?.connectInternal,
      // stable across restarts (the broker keeps the session's queued messages) and distinct per
      // instance: two instances on one host would otherwise take each other's connection over
      clientId: config.broker.url ? (config.broker.clientId ?? `smartstock-cloud-${hostname()}-${new URL(url).port}`) : 'cloud.internal',
      sharedGroup: config.broker.sharedGroup,
      tls: config.broker.url
        ? dropUndefined({
            ca: readFile(config.broker.caFile),
            cert: readFile(config.broker.certFile),
            key: readFile(config.broker.keyFile),
          })
        : undefined,
      logger,
    },
    dispatcher(
      { observations, devices, orgSuspended: async (id) => !!(await orgs?.status.refusal(id)) },
      db,
      logger.child({ module: 'ingest' }),
      deadLetterLimit(config.deadLetters.perDevicePerMinute, logger),
    ),
  );

  return {
    url,
    brokerUrl: broker?.url ?? config.broker.url!,
    pkiDir: broker?.pkiDir,
    caCertPath: broker?.caCertPath,
    orgId,
    seededOwner,
    db,
    logger,
    jobs,
    seedDemo: (o?: string) => seedDemo(db, o ?? orgId),
    ownerAccessToken: () =>
      seededOwner && signAccessToken ? signAccessToken({ sub: seededOwner.userId, org: seededOwner.orgId, role: 'owner' }) : undefined,
    async stop() {
      pruner.stop();
      orgs?.stopHousekeeping();
      await orgs?.stop();
      await link.stop().catch(() => undefined);
      await app.close();
      variance.stop();
      await jobs.stop();
      await visionRunner.close();
      forecast.stop();
      await forecastRunner.close();
      await live.stop();
      await users.stop();
      await alerts.stop();
      await broker?.close();
      redis?.close();
      await db.close();
    },
  };
}

/** One instance on its own keeps its JWT secret in the data directory; several instances share SMARTSTOCK_JWT_SECRET. */
function jwtSecretFile(dataDir: string): string {
  const path = join(dataDir, 'jwt-secret');
  if (!existsSync(path)) writeSecret(path, randomBytes(48).toString('base64url'));
  return readFileSync(path, 'utf8').trim();
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

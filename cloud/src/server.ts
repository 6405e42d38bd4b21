import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createLogger, listenError, stopInOrder, type Logger } from '@smartstock/runtime';
import { parseCloudConfig, type CloudConfigInput } from './config.js';
import { buildApp } from './app.js';
import { migrate, openDb, type Db } from './db/index.js';
import { JobQueue, repeatEvery } from './jobs/index.js';
import { startEmbeddedBroker, type EmbeddedBroker } from './broker/embedded.js';
import { AwsIotCertificates } from './broker/aws-iot.js';
import { brokerConnection } from './broker/connection.js';
import { suspensionAtBroker } from './broker/suspension.js';
import { connectRedis } from './redis/client.js';
import { redisBus } from './redis/bus.js';
import { AuthService, jwtSecretFile } from './auth/index.js';
import { passwordHasher, UserService, type SeededOwner } from './users/index.js';
import type { Principal } from './plugins/principal.js';
import { VenueService } from './venues/index.js';
import { CatalogueService, InventoryService, ObservationPartitions, ObservationService } from './inventory/index.js';
import { DeviceService } from './devices/index.js';
import { createIngestLink, DeadLetterService, deadLetterLimit, dispatcher, startDeadLetterPruner } from './ingest/index.js';
import { LiveHub, startLiveEventPruner } from './live/index.js';
import { startAlerts } from './alerts/index.js';
import { CorrectionService, CropMover } from './corrections/index.js';
import { BlobRetention, createBlobStore, deleteOrgBlobs, type BlobStore } from './blobs/index.js';
import { AccuracyService, VisionRunner, VisionService } from './vision/index.js';
import { CalendarService, ForecastRunner, ForecastService, OpenMeteo } from './forecast/index.js';
import { seedDemo, type DemoSeed } from './seed/index.js';
import { SupplierService } from './suppliers/index.js';
import { OrderService, SuggestionService, orderInMessage } from './orders/index.js';
import { InvoiceService, Ocr } from './invoices/index.js';
import { RecipeService } from './recipes/index.js';
import {
  CsvImportService,
  PosService,
  SalesLedger,
  SecretBox,
  SquareAdapter,
  TabitAdapter,
  ToastAdapter,
  posSecretKey,
} from './pos/index.js';
import { VarianceService } from './variance/index.js';
import { ExportService, InvitationService, OrgService } from './orgs/index.js';
import { OidcService } from './oidc/index.js';
import { SecretBox as Box, secretKey } from './plugins/secret-box.js';
import { AuditService } from './audit/index.js';
import { createMetrics } from './metrics/index.js';

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
  /** object storage: snapshots, shelf photos, correction crops, purchase-order PDFs, invoices */
  blobs: BlobStore;
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
  const livePruner = startLiveEventPruner(db, config.live.retentionHours, logger);
  const partitions = new ObservationPartitions(db, {
    retentionDays: config.observations.retentionDays,
    monthsAhead: config.observations.partitionMonthsAhead,
  }).start(logger);
  const blobs = createBlobStore(config.blobs, dataDir);
  // a store that is down at start-up is not fatal: uploads answer 503 until it is back
  await blobs.check().then(
    () => logger.info({ backend: blobs.backend }, 'object storage ready'),
    (err: unknown) => logger.warn({ err, backend: blobs.backend }, 'object storage does not answer; uploads will get 503 until it does'),
  );

  // Every service is built here and handed what it needs; modules' plugins get their service as register options.
  const metrics = createMetrics();
  // the dashboard's public address; never the listening URL in a message read on a phone
  const dashboardUrl = (config.orgs.publicUrl ?? config.pos.publicBaseUrl)?.replace(/\/$/, '');
  // ordering is built after the alerts (it sends through their e-mail channel); until then messages name no order
  const ordering: { orders?: OrderService } = {};
  const alerts = await startAlerts({
    db,
    config: config.alerts,
    logger,
    onDelivery: (c, o) => metrics.notification(c, o),
    orderSuggestion: async (orgId, itemId, locationId) => {
      const order = await ordering.orders?.alertOrder(orgId, itemId, locationId);
      return order && orderInMessage(order, dashboardUrl);
    },
  });
  // connected after the HTTP port is known (it names the MQTT client); services hold it from the start
  const link = createIngestLink();
  const inventory = new InventoryService(db, alerts.feed);
  await inventory.start();
  const observations = new ObservationService(db, alerts.feed, { heartbeatKeepSeconds: config.observations.heartbeatKeepSeconds });
  let broker: EmbeddedBroker | undefined;
  // the embedded broker, once started: revocation ends the device's open connection at once
  const devices = new DeviceService(
    db,
    link,
    alerts.feed,
    { disconnect: (id) => broker?.disconnect(id) },
    { store: blobs, log: logger.child({ module: 'devices' }) },
  );

  // built with the auth service (which signs their sessions) once the app's JWT signer exists
  let orgs: OrgService | undefined;
  // a suspended or deleted organisation's devices: refused by the embedded broker, dead-lettered by ingest
  const orgRefused = async (id: string) => !!(await orgs?.status.refusal(id));
  if (!config.broker.url) {
    broker = await startEmbeddedBroker({
      dataDir,
      host: config.broker.embedded.host,
      port: config.broker.embedded.port,
      hostnames: config.broker.embedded.hostnames,
      logger,
      admit: async (id) => {
        const device = await devices.forIngest(id);
        return device?.revokedAt ? { refused: 'device is revoked' } : { orgId: device?.orgId };
      },
      orgSuspended: orgRefused,
    });
  }
  // production on AWS IoT Core: a suspension switches the organisation's device certificates off there
  const awsIot = config.broker.awsIot.region
    ? new AwsIotCertificates(
        { region: config.broker.awsIot.region, endpoint: config.broker.awsIot.endpoint },
        logger.child({ module: 'broker' }),
      )
    : undefined;
  const visionRunner = new VisionRunner({ logger, ...config.vision });
  const jobs = new JobQueue({ db, logger, ...config.jobs, onRun: (name, outcome) => metrics.jobRun(name, outcome) });
  metrics.sources.jobDepths = () => jobs.depths();
  const vision = new VisionService(db, visionRunner, logger.child({ module: 'vision' }), jobs, blobs, config.vision.jobTimeoutSeconds);
  await vision.registerJobs();
  const retention = new BlobRetention(blobs, jobs, config.blobs, logger.child({ module: 'blobs' }));
  await retention.registerJobs();
  const forecastRunner = new ForecastRunner(logger.child({ module: 'forecast' }));
  const weather = config.forecast.weather
    ? new OpenMeteo({
        forecastUrl: config.forecast.weatherUrl,
        archiveUrl: config.forecast.weatherArchiveUrl,
        timeoutMs: config.forecast.outsideTimeoutMs,
      })
    : undefined;
  const calendar = new CalendarService({ db, weather, calendarTimeoutMs: config.forecast.outsideTimeoutMs });
  const forecast = new ForecastService({
    calendar,
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
    adapters: [
      new SquareAdapter({ baseUrl: config.pos.squareApiUrl, version: config.pos.squareVersion }),
      new ToastAdapter({ baseUrl: config.pos.toastApiUrl, toleranceSeconds: config.pos.toastTimestampToleranceSeconds }),
      new TabitAdapter(),
    ],
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
  const variance = new VarianceService({ db, inventory, alerts: alerts.feed, jobs, snapshots: devices, logger });
  await variance.registerJobs();
  const exports = new ExportService(db, jobs, config.orgs.exportRetentionDays, blobs);
  await exports.registerJobs();
  await jobs.start();
  forecast.startNightly();
  variance.start();
  retention.start();
  const corrections = new CorrectionService(
    db,
    devices,
    inventory,
    logger.child({ module: 'corrections' }),
    config.snapshotTimeoutMs,
    blobs,
  );
  const cropMover = new CropMover(db, blobs, logger.child({ module: 'corrections' }));
  cropMover.start();
  // the vision model watched for drift: after each correction, and hourly for venues whose window moved on
  const { debounce: _debounce, ...driftDefaults } = config.alerts.rules.modelDrift;
  const accuracy = new AccuracyService(db, { alerts: alerts.feed, defaults: driftDefaults });
  corrections.onCorrected((org, venue) => accuracy.watch(org, venue));
  const driftSweep = repeatEvery(3_600_000, () => accuracy.sweep(), { log: logger, failed: 'drift sweep failed' });
  const live = new LiveHub(db, logger.child({ module: 'live' }));
  metrics.sources.webSocketClients = () => live.size;
  // suggestions order from the stored forecasts; an item without one is ordered up to par
  const suggestions = new SuggestionService({ db, inventory, demand: forecast });
  const orders = new OrderService({ db, inventory, suggestions, mailer: alerts.notifier.email, logger, blobs });
  ordering.orders = orders;
  // invoices are read on the job queue (OCR in tesseract's worker thread, started on the first photo)
  const ocr = new Ocr();
  const invoices = new InvoiceService({ db, jobs, blobs, orders, ocr, logger });
  await invoices.registerJobs();
  await live.start();
  // the app's JWT signer, once buildApp has made it: ownerAccessToken() signs with it
  let signAccessToken: ((p: Principal) => string) | undefined;
  const publicUrl = () => dashboardUrl ?? listeningUrl;
  const app = await buildApp({
    db,
    logger,
    config,
    redis,
    jwtSecret: config.auth.jwtSecret ?? jwtSecretFile(dataDir),
    metrics,
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
        deleteFiles: (id) => deleteOrgBlobs(blobs, id),
        onSuspension: suspensionAtBroker({
          broker,
          awsIot,
          devicesOf: async (id) => (await devices.list(id)).filter((device) => !device.revokedAt).map((device) => device.id),
          logger,
        }),
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
        catalogue: new CatalogueService(db),
        devices,
        live,
        alerts: alerts.routeOptions,
        vision,
        corrections,
        jobs,
        suppliers: new SupplierService(db),
        orders: { orders, suggestions },
        invoices: { invoices, approval: { db, orders, inventory, logger } },
        forecast,
        calendar,
        recipes,
        pos: { pos, csv: new CsvImportService(db, pos, ledger) },
        variance,
        deadLetters: new DeadLetterService(db),
        blobs,
        accuracy,
        audit: new AuditService(db),
      };
    },
  });
  await orgs!.start();
  orgs!.startHousekeeping();
  const url = await app
    .listen({ host: config.http.host, port: config.http.port })
    .catch((e: unknown) => Promise.reject(listenError(e, 'http.port', config.http.host, config.http.port)));
  listeningUrl = url;
  await link.start(
    brokerConnection(config.broker, broker, url, logger),
    dispatcher(
      { observations, devices, orgSuspended: orgRefused },
      db,
      logger.child({ module: 'ingest' }),
      deadLetterLimit(config.deadLetters.perDevicePerMinute, logger),
      metrics.ingest,
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
    blobs,
    seedDemo: (o?: string) => seedDemo(db, o ?? orgId),
    ownerAccessToken: () =>
      seededOwner && signAccessToken ? signAccessToken({ sub: seededOwner.userId, org: seededOwner.orgId, role: 'owner' }) : undefined,
    stop: () =>
      stopInOrder(
        [
          ['pruner', () => pruner.stop()],
          ['live pruner', () => livePruner.stop()],
          ['organisations housekeeping', () => orgs?.stopHousekeeping()],
          ['organisations', () => orgs?.stop()],
          ['partitions', () => partitions.stop()],
          ['drift sweep', () => driftSweep.stop()],
          ['ingest link', () => link.stop()],
          ['http', () => app.close()],
          ['variance', () => variance.stop()],
          ['retention', () => retention.stop()],
          ['crop mover', () => cropMover.stop()],
          ['jobs', () => jobs.stop()],
          ['ocr', () => ocr.stop()],
          ['vision runner', () => visionRunner.close()],
          ['forecast', () => forecast.stop()],
          ['forecast runner', () => forecastRunner.close()],
          ['live', () => live.stop()],
          ['users', () => users.stop()],
          ['inventory', () => inventory.stop()],
          ['alerts', () => alerts.stop()],
          ['broker', () => broker?.close()],
          ['aws iot', () => awsIot?.close()],
          ['redis', () => redis?.close()],
          ['blobs', () => blobs.close()],
          ['database', () => db.close()],
        ],
        logger,
      ),
  };
}

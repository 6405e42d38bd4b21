import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createLogger, describeStop, listenError, stopInOrder, type Logger, type StopReport } from '@smartstock/runtime';
import { parseCloudConfig, type CloudConfigInput } from './config.js';
import { buildApp } from './app.js';
import { migrate, openDb, type Db } from './db/index.js';
import type { JobQueue } from './jobs/index.js';
import { brokerConnection } from './broker/connection.js';
import { connectRedis } from './redis/client.js';
import { redisBus } from './redis/bus.js';
import { jwtSecretFile } from './auth/index.js';
import { passwordHasher, UserService, type SeededOwner } from './users/index.js';
import type { Principal } from './plugins/principal.js';
import { VenueService } from './venues/index.js';
import { ObservationPartitions } from './inventory/index.js';
import { deadLetterLimit, dispatcher, startDeadLetterPruner } from './ingest/index.js';
import { startLiveEventPruner } from './live/index.js';
import { createBlobStore, type BlobStore } from './blobs/index.js';
import { seedDemo, type DemoSeed } from './seed/index.js';
import type { OrgService } from './orgs/index.js';
import { createMetrics } from './metrics/index.js';
import { apiModules, startFeatures } from './startup/index.js';

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
  /** Stops every part (the database last); logs one summary line and returns how it went. */
  stop(): Promise<StopReport>;
}

/** Starts the cloud: database and migrations, first-start owner, embedded broker (unless MQTT_URL), ingest, live hub, HTTP. */
export async function startCloud(input: CloudConfigInput): Promise<RunningCloud> {
  const config = parseCloudConfig(input);
  const startedAt = Date.now();
  const logger = createLogger('cloud', { level: config.logLevel });
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const db = await openDb({ url: config.database.url, dataDir: config.database.memory ? 'memory://' : join(dataDir, 'pglite') });
  const ran = await migrate(db);
  const redis = config.redis.url ? connectRedis(config.redis.url, config.redis.keyPrefix, logger.child({ module: 'redis' })) : undefined;
  // before anything listens: live events and notifier wake-ups then travel over Redis instead of NOTIFY
  if (redis) db.useBus(redisBus(redis, logger.child({ module: 'bus' })));
  logger.child({ module: 'db' }).info({ database: db.kind, migrations: ran, bus: db.bus }, 'database ready');

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
    () => logger.child({ module: 'blobs' }).info({ backend: blobs.backend }, 'object storage ready'),
    (err: unknown) =>
      logger
        .child({ module: 'blobs' })
        .warn({ err, backend: blobs.backend }, 'object storage does not answer; uploads will get 503 until it does'),
  );

  // The services are built in startup/ and handed what they need; modules' plugins get their service as register options.
  const metrics = createMetrics();
  // the dashboard's public address; never the listening URL in a message read on a phone
  const dashboardUrl = (config.orgs.publicUrl ?? config.pos.publicBaseUrl)?.replace(/\/$/, '');
  let listeningUrl = '';
  // built with the auth service (which signs their sessions) once the app's JWT signer exists
  let orgs: OrgService | undefined;
  // a suspended or deleted organisation's devices: refused by the embedded broker, dead-lettered by ingest
  const orgRefused = async (id: string) => !!(await orgs?.status.refusal(id));
  const features = await startFeatures({
    db,
    config,
    logger,
    dataDir,
    blobs,
    metrics,
    dashboardUrl,
    listeningUrl: () => listeningUrl,
    orgRefused,
  });
  const { link, broker, observations, devices, jobs } = features;
  // the app's JWT signer, once buildApp has made it: ownerAccessToken() signs with it
  let signAccessToken: ((principal: Principal) => string) | undefined;
  const publicUrl = () => dashboardUrl ?? listeningUrl;
  const app = await buildApp({
    db,
    logger,
    config,
    redis,
    jwtSecret: config.auth.jwtSecret ?? jwtSecretFile(dataDir),
    metrics,
    modules: (sign) => {
      signAccessToken = sign;
      const built = apiModules(sign, { db, config, logger, dataDir, blobs, users, venues, features, publicUrl });
      orgs = built.orgs;
      return built.modules;
    },
  });
  await orgs!.start();
  orgs!.startHousekeeping();
  const url = await app
    .listen({ host: config.http.host, port: config.http.port })
    .catch((err: unknown) => Promise.reject(listenError(err, 'http.port', config.http.host, config.http.port)));
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
    seedDemo: (intoOrgId?: string) => seedDemo(db, intoOrgId ?? orgId),
    ownerAccessToken: () =>
      seededOwner && signAccessToken ? signAccessToken({ sub: seededOwner.userId, org: seededOwner.orgId, role: 'owner' }) : undefined,
    stop: async () => {
      const report = await stopInOrder(
        [
          ['pruner', () => pruner.stop()],
          ['live pruner', () => livePruner.stop()],
          ['organisations housekeeping', () => orgs?.stopHousekeeping()],
          ['organisations', () => orgs?.stop()],
          ['partitions', () => partitions.stop()],
          ['drift sweep', () => features.driftSweep.stop()],
          ['ingest link', () => link.stop()],
          ['http', () => app.close()],
          ['variance', () => features.variance.stop()],
          ['pos nightly back-fill', () => features.posNightly.stop()],
          ['retention', () => features.retention.stop()],
          ['crop mover', () => features.cropMover.stop()],
          ['jobs', () => jobs.stop()],
          ['ocr', () => features.ocr.stop()],
          ['vision runner', () => features.visionRunner.close()],
          ['forecast', () => features.forecast.stop()],
          ['forecast runner', () => features.forecastRunner.close()],
          ['live', () => features.live.stop()],
          ['users', () => users.stop()],
          ['inventory', () => features.inventory.stop()],
          ['alerts', () => features.alerts.stop()],
          ['broker', () => broker?.close()],
          ['aws iot', () => features.awsIot?.close()],
          ['redis', () => redis?.close()],
          ['blobs', () => blobs.close()],
          ['database', () => db.close()],
        ],
        logger,
      );
      const line = { ...report, upSeconds: Math.round((Date.now() - startedAt) / 1000) };
      const log = logger.child({ module: 'shutdown' });
      if (report.late.length || report.failed.length) log.warn(line, `cloud stopped: ${describeStop(report)}`);
      else log.info(line, `cloud stopped: ${describeStop(report)}`);
      return report;
    },
  };
}

import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { createLogger, type Logger } from '@smartstock/protocol/runtime';
import { writeSecret } from '@smartstock/provisioning/pki';
import { parseCloudConfig, type CloudConfigInput } from './config.js';
import { buildApp } from './app.js';
import { migrate, openDb, type Db } from './db/index.js';
import { passwordHasher } from './auth/passwords.js';
import { seedDemo, seedOwner, type DemoSeed, type SeededOwner } from './services/seed.service.js';
import { createAuthService, createDomainServices } from './services/index.js';
import { CorrectionService } from './corrections/correction.service.js';
import { VisionRunner } from './vision/runner.js';
import { VisionService } from './vision/vision.service.js';
import { VisionJobRepository } from './vision/job.repository.js';
import { startEmbeddedBroker, type EmbeddedBroker } from './broker/embedded.js';
import { startIngest, type IngestLink } from './ingest/link.js';
import { startDeadLetterPruner } from './ingest/dead-letter-pruner.js';
import { deadLetterLimit } from './ingest/flood-limit.js';
import { LiveHub } from './live/hub.js';
import { repos } from './repositories/index.js';
import { startAlerts } from './alerts/index.js';
import { connectRedis } from './redis/client.js';
import { redisBus } from './redis/bus.js';

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
  /** seeds the demo venue "The Anchor" (locations, ~20 spirits) into the organisation; idempotent */
  seedDemo(orgId?: string): Promise<DemoSeed>;
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

  const hasher = passwordHasher(config.auth.argon2);
  const seededOwner = await seedOwner(db, hasher, config.owner);
  if (seededOwner?.oneTimePassword) {
    // printed once, to the console only (never to the structured log): the owner must change it at first sign-in
    process.stdout.write(
      `\nSmartStock first start: sign in as ${seededOwner.email} with the one-time password ${seededOwner.oneTimePassword}\n\n`,
    );
  }
  const orgId = seededOwner?.orgId ?? (await firstOrg(db));
  const pruner = startDeadLetterPruner(db, config.deadLetters.retentionDays, logger);

  let broker: EmbeddedBroker | undefined;
  if (!config.broker.url) {
    broker = await startEmbeddedBroker({
      dataDir,
      host: config.broker.embedded.host,
      port: config.broker.embedded.port,
      hostnames: config.broker.embedded.hostnames,
      logger,
      isRefused: async (id) => !!(await repos(db).devices.getForIngest(id))?.revokedAt,
    });
  }
  // services exist before the MQTT link connects; they reach it through this holder
  const linkRef: { current?: IngestLink } = {};
  const alerts = await startAlerts({ db, config: config.alerts, logger });
  const deps = {
    db,
    hasher,
    refreshTtlSeconds: config.auth.refreshTokenTtlDays * 86_400,
    link: () => linkRef.current,
    alerts: alerts.feed,
    sessions: broker,
    deadLetterLimit: deadLetterLimit(config.deadLetters.perDevicePerMinute, logger),
  };
  const domain = createDomainServices(deps);
  const visionRunner = new VisionRunner({ logger, ...config.vision });
  const vision = new VisionService(db, visionRunner, logger.child({ module: 'vision' }));
  // jobs left behind by an instance that died mid-photo
  await new VisionJobRepository(db).failAbandoned(600);
  const corrections = new CorrectionService(
    db,
    domain.devices,
    domain.inventory,
    logger.child({ module: 'corrections' }),
    config.snapshotTimeoutMs,
  );
  const live = new LiveHub(db, logger.child({ module: 'live' }));
  await live.start();
  const app = await buildApp({
    db,
    logger,
    config,
    redis,
    jwtSecret: config.auth.jwtSecret ?? jwtSecretFile(dataDir),
    services: (a) => ({ ...domain, live, auth: createAuthService(deps, (p) => a.jwt.sign(p)) }),
    alerts: alerts.routeOptions,
    vision,
    corrections,
  });
  const url = await app.listen({ host: config.http.host, port: config.http.port });
  const readFile = (p?: string) => (p ? readFileSync(p, 'utf8') : undefined);
  const link = (linkRef.current = await startIngest({
    url: config.broker.url,
    connectInternal: broker?.connectInternal,
    // stable across restarts (the broker keeps the session's queued messages) and distinct per
    // instance: two instances on one host would otherwise take each other's connection over
    clientId: config.broker.url ? (config.broker.clientId ?? `smartstock-cloud-${hostname()}-${new URL(url).port}`) : 'cloud.internal',
    sharedGroup: config.broker.sharedGroup,
    tls: config.broker.url
      ? dropUndefined({ ca: readFile(config.broker.caFile), cert: readFile(config.broker.certFile), key: readFile(config.broker.keyFile) })
      : undefined,
    services: domain,
    logger,
  }));

  return {
    url,
    brokerUrl: broker?.url ?? config.broker.url!,
    pkiDir: broker?.pkiDir,
    caCertPath: broker?.caCertPath,
    orgId,
    seededOwner,
    db,
    logger,
    seedDemo: (o?: string) => seedDemo(db, o ?? orgId),
    async stop() {
      pruner.stop();
      await link.stop().catch(() => undefined);
      await app.close();
      await visionRunner.close();
      await live.stop();
      await alerts.stop();
      await broker?.close();
      redis?.close();
      await db.close();
    },
  };
}

async function firstOrg(db: Db): Promise<string> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM organisations ORDER BY created_at LIMIT 1');
  return rows[0]!.id;
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

import { z } from 'zod';
import { isCertificateName, loadConfig, type LoadConfigOptions } from '@smartstock/runtime';
import { alertsConfigSchema, ALERTS_ENV } from './alerts/index.js';
import { blobsConfigSchema, BLOBS_ENV } from './blobs/index.js';
import { HEARTBEAT_KEEP_SECONDS } from './inventory/index.js';

const section = <T extends z.ZodRawShape>(shape: T) =>
  z
    .object(shape)
    .strict()
    .prefault({} as never);

/** Every setting of the cloud service; validated once at start-up. */
export const cloudConfigSchema = z
  .object({
    http: section({
      host: z.string().min(1).default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8080),
      /** behind a load balancer: trust X-Forwarded-For for rate limits and logs */
      trustProxy: z.boolean().default(false),
    }),
    database: section({
      url: z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL')
        .optional()
        .describe('PostgreSQL in production; absent means embedded PGlite under dataDir'),
      /** embedded PGlite in memory: tests and throwaway demos */
      memory: z.boolean().default(false),
    }),
    dataDir: z.string().min(1).default('./data'),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    alerts: alertsConfigSchema.prefault({}),
    auth: section({
      jwtSecret: z
        .string()
        .min(32, 'use at least 32 characters')
        .optional()
        .describe('shared by all instances; absent: generated once into dataDir'),
      accessTokenTtlSeconds: z.number().int().min(30).max(86_400).default(900),
      refreshTokenTtlDays: z.number().int().min(1).max(365).default(30),
      argon2: section({
        memoryCost: z.number().int().min(8).default(19_456),
        timeCost: z.number().int().min(1).default(2),
      }),
      loginRateLimit: section({
        max: z.number().int().min(1).default(10),
        windowSeconds: z.number().int().min(1).default(60),
      }),
    }),
    owner: section({
      email: z.email().optional(),
      password: z.string().min(12, 'use at least 12 characters').optional(),
      name: z.string().min(1).max(200).default('Owner'),
      organisation: z.string().min(1).max(200).default('My Bar'),
    }),
    broker: section({
      url: z
        .string()
        .regex(/^(mqtts?|wss?):\/\//, 'expected an mqtt://, mqtts:// or wss:// URL')
        .optional()
        .describe('an external broker; absent: the embedded aedes broker'),
      clientId: z.string().min(1).max(128).optional().describe('stable per instance so its session survives a restart'),
      sharedGroup: z
        .string()
        .regex(/^[a-zA-Z0-9_-]{1,64}$/)
        .default('smartstock-cloud'),
      concurrentBatches: z
        .number()
        .int()
        .min(1)
        .max(8)
        .default(2)
        .describe('ingest batches committing at once; their acknowledgements still go in arrival order'),
      caFile: z.string().optional(),
      certFile: z.string().optional(),
      keyFile: z.string().optional(),
      embedded: section({
        host: z.string().min(1).default('0.0.0.0'),
        port: z.number().int().min(0).max(65535).default(8883),
        hostnames: z
          .preprocess(
            (v) => (typeof v === 'string' ? v.split(',').map((name) => name.trim()) : v),
            z.array(z.string().refine(isCertificateName, 'expected a host name (letters, digits, - and .) or an IP address')),
          )
          .default([])
          .describe("more names for the broker's certificate, besides localhost and this machine's addresses and host name"),
      }),
      /** AWS IoT Core as the broker: a suspension sets the organisation's device certificates INACTIVE, a resume ACTIVE */
      awsIot: section({
        region: z.string().min(1).optional().describe('the IoT region; absent: suspensions do not touch AWS IoT'),
        endpoint: z.url().optional().describe('a stand-in such as moto; absent: the real AWS'),
      }),
    }),
    redis: section({
      url: z
        .string()
        .regex(/^rediss?:\/\/[^\s]+$/, 'expected a redis:// or rediss:// URL')
        .optional()
        .describe('shares rate limits and carries live events between instances; absent: in-process limits, NOTIFY'),
      /** every key and channel starts with it: deployments sharing one Redis never meet */
      keyPrefix: z
        .string()
        .regex(/^[a-zA-Z0-9_:.-]{1,64}$/, 'letters, digits and _ : . - only')
        .default('smartstock:'),
    }),
    rateLimit: section({
      max: z.number().int().min(1).default(600),
      windowSeconds: z.number().int().min(1).default(60),
    }),
    deadLetters: section({
      retentionDays: z.number().int().min(1).max(3650).default(30).describe('what ingestion rejected is kept this long'),
      perDevicePerMinute: z
        .number()
        .int()
        .min(1)
        .default(60)
        .describe('dead letters stored per device per minute; a flooding device beyond it is counted, not stored'),
    }),
    live: section({
      retentionHours: z
        .number()
        .int()
        .min(1)
        .max(8760)
        .default(24)
        .describe('live events are kept this long for reconnecting dashboards; an older cursor gets a resync'),
      maxBehindBytes: z
        .number()
        .int()
        .min(1024)
        .default(4 * 1024 * 1024)
        .describe('a dashboard WebSocket with more than this unsent is closed (code 4008) and reconnects from its cursor'),
    }),
    observations: section({
      retentionDays: z
        .number()
        .int()
        .min(7)
        .max(3650)
        .default(90)
        .describe('raw observations are kept this long; older months are rolled up hourly and their partitions dropped'),
      partitionMonthsAhead: z.number().int().min(1).max(24).default(2).describe('monthly partitions created ahead of time'),
      heartbeatKeepSeconds: z
        .number()
        .int()
        .min(0)
        .max(86_400)
        .default(HEARTBEAT_KEEP_SECONDS)
        .describe(
          'one unchanged heartbeat row per slot this often; the heartbeats between are folded into the slot reading (0: every heartbeat stored)',
        ),
    }),
    blobs: blobsConfigSchema,
    snapshotTimeoutMs: z.number().int().min(100).max(60_000).default(5000),
    vision: section({
      modelDir: z.string().min(1).optional().describe('the bottle models for the photo endpoints; absent: the committed ones'),
      threads: z.number().int().min(1).max(16).default(1),
      maxQueue: z.number().int().min(1).max(1000).default(8).describe('photos waiting before new ones get 503'),
      jobTimeoutSeconds: z
        .number()
        .int()
        .min(1)
        .max(3600)
        .default(300)
        .describe('a shelf-photo job running longer, or whose instance died, is retried'),
    }),
    pos: section({
      secretKey: z
        .string()
        .refine((k) => Buffer.from(k, 'base64').length === 32 && /^[A-Za-z0-9+/]+=*$/.test(k), 'expected base64 of 32 random bytes')
        .optional()
        .describe('AES-256-GCM key for POS credentials at rest, shared by all instances; absent: generated once into dataDir'),
      publicBaseUrl: z
        .url({ protocol: /^https?$/ })
        .optional()
        .describe("the cloud's public URL behind proxies: webhook URLs (and the signatures over them) use it; absent: the listening URL"),
      squareApiUrl: z.url({ protocol: /^https?$/ }).default('https://connect.squareup.com'),
      squareVersion: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a Square API version such as 2025-01-23')
        .default('2025-01-23'),
      toastApiUrl: z
        .url({ protocol: /^https?$/ })
        .default('https://ws-api.toasttab.com')
        .describe('the Toast API host your Toast client was issued (Toast gives it when access is granted)'),
      toastTimestampToleranceSeconds: z
        .number()
        .int()
        .min(30)
        .max(3600)
        // Toast resends a message it could not deliver 5 and then 10 minutes later, signed over the
        // same body and timestamp (https://doc.toasttab.com/doc/devguide/apiRetrySupport.html), and
        // does not resend after a 401: 300 s refused its first retry and lost the order. A replay of a
        // delivered message is stopped by its event GUID (pos_events), not by this window.
        .default(1800)
        .describe(
          "a Toast webhook whose message timestamp is further than this from now is refused as stale; at least Toast's retries (5 then 10 minutes after the first attempt)",
        ),
      fetchRetryDelaySeconds: z
        .number()
        .min(0)
        .max(3600)
        .default(5)
        .describe('before the first retry of an order fetch from a POS API that failed; doubled for each one after'),
      nightlyBackfill: z
        .boolean()
        .default(true)
        .describe(
          "pull each connection's previous business day every night (POS with a day API: Toast), recovering sales whose webhook never came",
        ),
      nightlyBackfillHour: z
        .number()
        .int()
        .min(0)
        // the daily variance report runs 6 hours after the venue's local midnight (variance/DAILY_AFTER_HOURS) and must see the pull
        .max(5, 'must be before 6, when the daily variance report runs')
        .default(5)
        .describe(
          "the venue's local hour (0-5) from which its previous business day is pulled; after the POS closes its day, before the variance report at 6",
        ),
    }),
    orgs: section({
      operators: z
        .preprocess(
          (v) =>
            typeof v === 'string'
              ? v
                  .split(',')
                  .map((e) => e.trim())
                  .filter(Boolean)
              : v,
          z.array(z.email()),
        )
        .default([])
        .describe("e-mails of this cloud's operators: they list, create and suspend organisations (platform-wide, not a role in one)"),
      signupOpen: z.boolean().default(true).describe('anyone may sign up a new organisation; false: only operators create them'),
      invitationTtlHours: z.number().int().min(1).max(720).default(72),
      deletionGraceDays: z.number().int().min(0).max(365).default(30).describe("an owner's deletion waits this long, cancellable"),
      exportRetentionDays: z.number().int().min(1).max(90).default(7).describe('a finished export is kept this long for download'),
      oidcSecretKey: z
        .string()
        .refine((k) => Buffer.from(k, 'base64').length === 32 && /^[A-Za-z0-9+/]+=*$/.test(k), 'expected base64 of 32 random bytes')
        .optional()
        .describe('AES-256-GCM key for OIDC client secrets at rest, shared by all instances; absent: generated once into dataDir'),
      publicUrl: z
        .url({ protocol: /^https?$/ })
        .refine((u) => !/[?#]/.test(u), 'expected the dashboard address without ? or # (links append #/…)')
        .optional()
        .describe(
          'the public URL people open the dashboard at (the cloud serves it): invitation links, OIDC redirect URIs, the draft-order link in low-stock messages; absent: pos.publicBaseUrl, else the listening URL (and low-stock messages carry no link)',
        ),
    }),
    forecast: section({
      weatherUrl: z
        .url({ protocol: /^https?$/ })
        .default('https://api.open-meteo.com')
        .describe("Open-Meteo's forecast API"),
      weatherArchiveUrl: z
        .url({ protocol: /^https?$/ })
        .default('https://archive-api.open-meteo.com')
        .describe("Open-Meteo's historical weather API"),
      weather: z.boolean().default(true).describe('false: never ask for weather (a cloud with no way out)'),
      outsideTimeoutMs: z.number().int().min(100).max(60_000).default(5000).describe('for a weather or iCal call'),
    }),
    metrics: section({
      token: z
        .string()
        .min(16, 'use at least 16 characters')
        .optional()
        .describe('GET /metrics wants it as a bearer token; absent: /metrics answers loopback only'),
    }),
    jobs: section({
      pollingIntervalSeconds: z
        .number()
        .min(0.5)
        .max(60)
        .default(2)
        .describe('how often an idle instance looks for queued jobs; a new job wakes them at once'),
      maintenanceIntervalSeconds: z
        .number()
        .int()
        .min(1)
        .max(3600)
        .default(30)
        .describe('how often jobs of an instance that died are put back for a retry'),
    }),
  })
  .strict();

export type CloudConfig = z.infer<typeof cloudConfigSchema>;
/** What callers (tests, the demo) may pass: every section optional, defaults filled in by parseCloudConfig. */
export type CloudConfigInput = z.input<typeof cloudConfigSchema>;

/** Environment variables the cloud reads, and the key each sets. */
export const CLOUD_ENV = {
  HOST: 'http.host',
  PORT: 'http.port',
  TRUST_PROXY: 'http.trustProxy',
  DATABASE_URL: 'database.url',
  DATA_DIR: 'dataDir',
  LOG_LEVEL: 'logLevel',
  SMARTSTOCK_JWT_SECRET: 'auth.jwtSecret',
  SMARTSTOCK_OWNER_EMAIL: 'owner.email',
  SMARTSTOCK_OWNER_PASSWORD: 'owner.password',
  SMARTSTOCK_OWNER_NAME: 'owner.name',
  SMARTSTOCK_ORGANISATION: 'owner.organisation',
  MQTT_URL: 'broker.url',
  MQTT_CLIENT_ID: 'broker.clientId',
  MQTT_SHARED_GROUP: 'broker.sharedGroup',
  INGEST_CONCURRENT_BATCHES: 'broker.concurrentBatches',
  MQTT_CA_FILE: 'broker.caFile',
  MQTT_CERT_FILE: 'broker.certFile',
  MQTT_KEY_FILE: 'broker.keyFile',
  BROKER_HOST: 'broker.embedded.host',
  BROKER_PORT: 'broker.embedded.port',
  BROKER_HOSTNAMES: 'broker.embedded.hostnames',
  AWS_IOT_REGION: 'broker.awsIot.region',
  AWS_IOT_ENDPOINT: 'broker.awsIot.endpoint',
  REDIS_URL: 'redis.url',
  REDIS_KEY_PREFIX: 'redis.keyPrefix',
  DEAD_LETTER_RETENTION_DAYS: 'deadLetters.retentionDays',
  OBSERVATION_RETENTION_DAYS: 'observations.retentionDays',
  OBSERVATION_HEARTBEAT_KEEP_SECONDS: 'observations.heartbeatKeepSeconds',
  LIVE_RETENTION_HOURS: 'live.retentionHours',
  LIVE_MAX_BEHIND_BYTES: 'live.maxBehindBytes',
  DEAD_LETTERS_PER_DEVICE_PER_MINUTE: 'deadLetters.perDevicePerMinute',
  VISION_MODEL_DIR: 'vision.modelDir',
  VISION_THREADS: 'vision.threads',
  SMARTSTOCK_POS_SECRET_KEY: 'pos.secretKey',
  PUBLIC_BASE_URL: 'pos.publicBaseUrl',
  SQUARE_API_URL: 'pos.squareApiUrl',
  SMARTSTOCK_OPERATORS: 'orgs.operators',
  SMARTSTOCK_SIGNUP_OPEN: 'orgs.signupOpen',
  SMARTSTOCK_OIDC_SECRET_KEY: 'orgs.oidcSecretKey',
  SMARTSTOCK_PUBLIC_URL: 'orgs.publicUrl',
  OPEN_METEO_URL: 'forecast.weatherUrl',
  OPEN_METEO_ARCHIVE_URL: 'forecast.weatherArchiveUrl',
  FORECAST_WEATHER: 'forecast.weather',
  TOAST_API_URL: 'pos.toastApiUrl',
  POS_NIGHTLY_BACKFILL: 'pos.nightlyBackfill',
  POS_NIGHTLY_BACKFILL_HOUR: 'pos.nightlyBackfillHour',
  SMARTSTOCK_METRICS_TOKEN: 'metrics.token',
  ...ALERTS_ENV,
  ...BLOBS_ENV,
} as const;

export function loadCloudConfig(opts: Omit<LoadConfigOptions, 'env'> = {}): CloudConfig {
  return loadConfig(cloudConfigSchema, { ...opts, env: CLOUD_ENV });
}

/** Fills defaults into a partial config (tests, the demo); throws on a bad value. */
export function parseCloudConfig(input: CloudConfigInput): CloudConfig {
  return cloudConfigSchema.parse(input);
}

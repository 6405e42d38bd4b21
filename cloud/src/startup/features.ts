import type { Logger } from '@smartstock/runtime';
import type { CloudConfig } from '../config.js';
import type { Db } from '../db/index.js';
import { JobQueue, repeatEvery } from '../jobs/index.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../broker/embedded.js';
import { AwsIotCertificates } from '../broker/aws-iot.js';
import { InventoryService, ObservationService } from '../inventory/index.js';
import { DeviceService } from '../devices/index.js';
import { createIngestLink } from '../ingest/index.js';
import { LiveHub } from '../live/index.js';
import { startAlerts } from '../alerts/index.js';
import { CorrectionService, CropMover } from '../corrections/index.js';
import { BlobRetention, type BlobStore } from '../blobs/index.js';
import { AccuracyService, VisionRunner, VisionService } from '../vision/index.js';
import { CalendarService, ForecastRunner, ForecastService, OpenMeteo } from '../forecast/index.js';
import { OrderService, SuggestionService, orderInMessage } from '../orders/index.js';
import { InvoiceService, Ocr } from '../invoices/index.js';
import { RecipeService } from '../recipes/index.js';
import {
  NightlyBackfill,
  PosService,
  SalesLedger,
  SecretBox,
  SquareAdapter,
  TabitAdapter,
  ToastAdapter,
  posSecretKey,
} from '../pos/index.js';
import { VarianceService } from '../variance/index.js';
import { ExportService } from '../orgs/index.js';
import type { CloudMetrics } from '../metrics/index.js';

export interface FeatureDeps {
  db: Db;
  config: CloudConfig;
  logger: Logger;
  dataDir: string;
  blobs: BlobStore;
  metrics: CloudMetrics;
  /** the dashboard's public address, when configured: order links in alert messages point there */
  dashboardUrl: string | undefined;
  /** the HTTP server's URL once it listens ('' before): POS webhooks fall back to it */
  listeningUrl: () => string;
  /** a suspended or deleted organisation's devices are refused by the embedded broker */
  orgRefused: (orgId: string) => Promise<boolean>;
}

export type Features = Awaited<ReturnType<typeof startFeatures>>;

/**
 * Builds the feature services in the order they depend on each other, registers their jobs and starts the queue.
 * The ingest link is made here but connected by the caller once the HTTP port is known.
 */
export async function startFeatures({ db, config, logger, dataDir, blobs, metrics, dashboardUrl, listeningUrl, orgRefused }: FeatureDeps) {
  // ordering is built after the alerts (it sends through their e-mail channel); until then messages name no order
  const ordering: { orders?: OrderService } = {};
  const alerts = await startAlerts({
    db,
    config: config.alerts,
    logger,
    onDelivery: (channel, outcome) => metrics.notification(channel, outcome),
    orderSuggestion: async (orgId, itemId, locationId) => {
      const order = await ordering.orders?.alertOrder(orgId, itemId, locationId);
      return order && orderInMessage(order, dashboardUrl);
    },
  });
  metrics.sources.alertJudgements = () => alerts.feed.afterCommitLag();
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

  if (!config.broker.url) {
    broker = await startEmbeddedBroker({
      dataDir,
      host: config.broker.embedded.host,
      port: config.broker.embedded.port,
      hostnames: config.broker.embedded.hostnames,
      httpHost: config.http.host,
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
  const posAdapters = [
    new SquareAdapter({ baseUrl: config.pos.squareApiUrl, version: config.pos.squareVersion }),
    new ToastAdapter({ baseUrl: config.pos.toastApiUrl, toleranceSeconds: config.pos.toastTimestampToleranceSeconds }),
    new TabitAdapter(),
  ];
  const pos = new PosService({
    db,
    jobs,
    ledger,
    box: new SecretBox(posSecretKey(config.pos.secretKey, dataDir)),
    adapters: posAdapters,
    publicBaseUrl: () => config.pos.publicBaseUrl ?? listeningUrl(),
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
  const posNightly = new NightlyBackfill({ db, jobs, adapters: posAdapters, hour: config.pos.nightlyBackfillHour, logger });
  await jobs.start();
  forecast.startNightly();
  variance.start();
  if (config.pos.nightlyBackfill) posNightly.start();
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
  return {
    alerts,
    link,
    inventory,
    observations,
    devices,
    broker,
    awsIot,
    visionRunner,
    jobs,
    vision,
    retention,
    forecastRunner,
    calendar,
    forecast,
    recipes,
    ledger,
    pos,
    posNightly,
    variance,
    exports,
    corrections,
    cropMover,
    accuracy,
    driftSweep,
    live,
    suggestions,
    orders,
    ocr,
    invoices,
  };
}

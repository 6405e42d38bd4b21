import { join } from 'node:path';
import sharp from 'sharp';
import type { BottleDetection, BottleVision, PeopleFinder } from '@smartstock/models';
import type { CameraConfig, CameraHealth, DesiredConfig, OnlineStatus } from '@smartstock/protocol';
import { createLogger, type Logger } from '@smartstock/runtime';
import { parseAgentConfig } from './config/load.js';
import type { AgentConfig, AgentConfigInput } from './config/schema.js';
import { EventBus } from './bus.js';
import { CameraManager } from './camera/manager.js';
import { VisionWorker } from './vision/worker.js';
import { loadDetector } from './vision/detectors.js';
import { PrivacyPass } from './vision/privacy.js';
import { Shelf } from './shelf/shelf.js';
import { Outbox } from './store/outbox.js';
import { Store } from './store/store.js';
import { Uplink } from './uplink/uplink.js';
import { renderSnapshot } from './uplink/snapshot-image.js';
import { createMetrics, type Metrics } from './health/metrics.js';
import { HealthServer } from './health/server.js';
import { AGENT_VERSION } from './version.js';

export interface AgentDeps {
  /** A vision session to use instead of loading the configured detector (tests, the demo's shared session). */
  vision?: BottleVision;
  /** A people detector to use instead of loading the configured one (tests, a shared session). */
  people?: PeopleFinder;
  logger?: Logger;
}

export interface Agent {
  readonly config: AgentConfig;
  readonly bus: EventBus;
  readonly outbox: Outbox;
  readonly metrics: Metrics;
  readonly shelf: Shelf;
  /** http://127.0.0.1:port of /healthz and /metrics; '' when disabled. */
  readonly healthUrl: string;
  status(): OnlineStatus;
  cameras(): CameraHealth[];
  configRevision(): number;
  /** The same path a config from the cloud takes (validated by the caller). */
  applyConfig(cfg: DesiredConfig): Promise<void>;
  mqttConnected(): boolean;
  stop(): Promise<void>;
}

const APPLIED_CONFIG_KEY = 'appliedConfig';

/**
 * Starts every module in data-flow order (store first, so nothing produced is
 * lost; cameras last) and stops them in reverse. `input` is validated with the
 * same schema as the config file; a ConfigError names the key.
 */
export async function startAgent(input: AgentConfigInput | AgentConfig, deps: AgentDeps = {}): Promise<Agent> {
  const config = parseAgentConfig(input);
  const root = deps.logger ?? createLogger('edge-agent', { level: config.logLevel });
  const log = (name: string) => root.child({ module: name });
  const started = Date.now();
  const outbox = new Outbox({
    dir: config.dataDir,
    maxRows: config.outbox.maxRows,
    maxBytes: config.outbox.maxMegabytes * 1024 * 1024,
    synchronous: config.outbox.synchronous,
  });
  const metrics = createMetrics();
  const bus = new EventBus(log('bus'));

  let vision: BottleVision;
  try {
    vision = deps.vision ?? (await loadDetector(config.vision));
    // Warm up before the watchdog starts counting: the first call pays for session start.
    await vision.analyze(
      await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } })
        .jpeg()
        .toBuffer(),
    );
  } catch (err) {
    outbox.close();
    throw err;
  }

  const saved = outbox.getMeta(APPLIED_CONFIG_KEY);
  let applied: { revision: number; cameras: CameraConfig[] } = saved
    ? (JSON.parse(saved) as { revision: number; cameras: CameraConfig[] })
    : { revision: 0, cameras: config.cameras };

  let uplink: Uplink | null = null;
  const cameras = new CameraManager({
    runtime: config.camera,
    bus,
    metrics,
    log: log('camera'),
    detectorInput: vision.input,
    onStateChange: (h) => {
      bus.emit('cameraState', h);
      uplink?.statusChanged();
    },
  });
  const worker = new VisionWorker({
    vision,
    bus,
    metrics,
    log: log('vision'),
    queueSize: config.vision.queueSize,
    onDropped: (id) => cameras.countDropped(id),
  });
  const shelf = new Shelf({ rules: config.shelf, bus, log: log('shelf') });
  const privacy = new PrivacyPass(config.privacy, log('privacy'), deps.people);
  const lastBottles = new Map<string, BottleDetection[]>();
  bus.on('analysis', 'agent', (a) => lastBottles.set(a.cameraId, a.analysis.bottles));
  const store = new Store({ outbox, bus, metrics, log: log('store') });
  store.start();

  const status = (): OnlineStatus => ({
    v: 1,
    deviceId: config.deviceId,
    state: 'online',
    at: new Date().toISOString(),
    agentVersion: AGENT_VERSION,
    uptimeS: Math.round((Date.now() - started) / 1000),
    cameras: cameras.health(),
    inferenceMs: worker.inferenceMs(),
    models: vision.versions,
    outbox: { depth: outbox.depth, droppedRows: outbox.droppedRows },
    configRevision: applied.revision,
  });

  const applyConfig = async (cfg: DesiredConfig) => {
    shelf.apply(cfg.cameras);
    await cameras.apply(cfg.cameras);
    applied = { revision: cfg.revision, cameras: cfg.cameras };
    outbox.setMeta(APPLIED_CONFIG_KEY, JSON.stringify(applied));
  };

  shelf.apply(applied.cameras);
  shelf.start();
  worker.start();
  uplink = new Uplink({
    config,
    bus,
    outbox,
    metrics,
    log: log('uplink'),
    status,
    currentRevision: () => applied.revision,
    applyConfig,
    snapshot: async (cameraId, { overlay }) => {
      const frame = cameras.get(cameraId)?.latestFrame();
      if (!frame) throw new Error(`camera "${cameraId}" has no frame yet`);
      const people = await privacy.peopleIn(frame.jpeg);
      return renderSnapshot(frame.jpeg, shelf.slotsOf(cameraId), lastBottles.get(cameraId) ?? [], { overlay, people });
    },
  });
  uplink.start();
  const health = config.health.enabled
    ? new HealthServer({
        host: config.health.host,
        port: config.health.port,
        metrics,
        log: log('health'),
        ready: () => {
          const checks = { outboxWritable: outbox.writable(), cameraStreaming: cameras.health().some((c) => c.state === 'streaming') };
          return { ready: checks.outboxWritable && checks.cameraStreaming, checks };
        },
      })
    : null;
  await health?.start();
  await cameras.apply(applied.cameras);
  // every line names the part that wrote it: a reader filters by module
  const life = log('agent');
  life.info(
    { deviceId: config.deviceId, dataDir: join(config.dataDir), cameras: applied.cameras.length, revision: applied.revision },
    'agent started',
  );

  let stopping: Promise<void> | null = null;
  return {
    config,
    bus,
    outbox,
    metrics,
    shelf,
    healthUrl: health?.url ?? '',
    status,
    cameras: () => cameras.health(),
    configRevision: () => applied.revision,
    applyConfig,
    mqttConnected: () => uplink?.connected ?? false,
    stop: () =>
      (stopping ??= (async () => {
        await cameras.stop();
        await worker.stop();
        shelf.stop();
        await uplink?.stop();
        await health?.stop();
        store.stop();
        bus.removeListeners('agent');
        if (!deps.vision) await vision.close();
        await privacy.close();
        outbox.close();
        life.info('agent stopped');
      })()),
  };
}

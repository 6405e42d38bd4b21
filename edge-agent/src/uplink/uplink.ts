import type { MqttClient } from 'mqtt';
import {
  TOPICS,
  decodeSnapshotRequest,
  encodeSnapshot,
  type DesiredConfig,
  type DeviceStatus,
  type OnlineStatus,
  type SnapshotHeader,
} from '@smartstock/protocol';
import type { Logger } from '@smartstock/runtime';
import type { AgentConfig } from '../config/schema.js';
import type { EventBus } from '../bus.js';
import type { Outbox } from '../store/outbox.js';
import type { Metrics } from '../health/metrics.js';
import { connectMqtt } from './connection.js';
import { OutboxDrainer } from './drain.js';
import { RateLimiter } from './rate-limit.js';
import { handleDesiredConfig } from './config-sync.js';

export interface SnapshotImage {
  jpeg: Buffer;
  width: number;
  height: number;
}

export interface UplinkDeps {
  config: AgentConfig;
  bus: EventBus;
  outbox: Outbox;
  metrics: Metrics;
  log: Logger;
  status: () => OnlineStatus;
  currentRevision: () => number;
  applyConfig: (cfg: DesiredConfig) => Promise<void> | void;
  snapshot: (cameraId: string, options: { overlay: boolean }) => Promise<SnapshotImage>;
}

const OWNER = 'uplink';

/** The agent's only link to the cloud: outbox drain, status, config and snapshots over one MQTT connection. */
export class Uplink {
  private client: MqttClient | null = null;
  private drainer: OutboxDrainer | null = null;
  private statusTimer: NodeJS.Timeout | null = null;
  private statusPending: NodeJS.Timeout | null = null;
  private readonly limiter: RateLimiter;
  private readonly deviceId: string;

  constructor(private readonly deps: UplinkDeps) {
    this.limiter = new RateLimiter(deps.config.mqtt.maxPublishesPerSecond);
    this.deviceId = deps.config.deviceId;
  }

  start(): void {
    const { config, outbox, log, metrics } = this.deps;
    const client = (this.client = connectMqtt(config, log));
    this.drainer = new OutboxDrainer({
      client,
      outbox,
      limiter: this.limiter,
      deviceId: this.deviceId,
      readBatch: config.outbox.readBatch,
      maxInflight: config.mqtt.maxInflight,
      log,
      onPublished: ({ count }) => {
        metrics.observationsPublished.inc(count);
        metrics.outboxDepth.set(outbox.depth);
      },
      onError: () => metrics.publishErrors.inc(),
      onUnrouted: ({ seq, count, retryInMs }) => {
        metrics.batchesUnrouted.inc();
        log.warn({ seq, count, retryInMs }, 'broker has no subscriber for observations (cloud not listening); rows kept, retrying');
      },
      unroutedMinMs: config.mqtt.reconnectMinMs,
      unroutedMaxMs: config.mqtt.reconnectMaxMs,
    });
    client.on('connect', () => {
      metrics.mqttConnected.set(1);
      client.subscribe([TOPICS.config(this.deviceId), TOPICS.snapshotRequest(this.deviceId)], { qos: 1 }, (err) => {
        if (err) log.warn({ err: err.message }, 'subscribe failed');
      });
      // "online" in every on-connect: the broker may have published our will meanwhile.
      this.publishStatus();
      this.drainer!.kick();
    });
    client.on('close', () => metrics.mqttConnected.set(0));
    client.on('message', (topic, payload) => {
      if (topic === TOPICS.config(this.deviceId)) void this.onConfig(payload);
      else if (topic === TOPICS.snapshotRequest(this.deviceId)) void this.onSnapshot(payload);
    });
    this.deps.bus.on('stored', OWNER, () => this.drainer?.kick());
    this.statusTimer = setInterval(() => this.publishStatus(), config.mqtt.statusIntervalSeconds * 1000);
    this.statusTimer.unref();
  }

  /** Something in the status changed: publish soon, at most once a second. */
  statusChanged(): void {
    if (this.statusPending) return;
    this.statusPending = setTimeout(() => {
      this.statusPending = null;
      this.publishStatus();
    }, 1000);
    this.statusPending.unref();
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  async stop(): Promise<void> {
    this.deps.bus.removeListeners(OWNER);
    if (this.statusTimer) clearInterval(this.statusTimer);
    if (this.statusPending) clearTimeout(this.statusPending);
    this.drainer?.stop();
    const client = this.client;
    if (!client) return;
    if (client.connected) {
      const offline: DeviceStatus = { v: 1, deviceId: this.deviceId, state: 'offline', at: new Date().toISOString(), graceful: true };
      await new Promise<void>((resolve) =>
        client.publish(TOPICS.status(this.deviceId), JSON.stringify(offline), { qos: 1, retain: true }, () => resolve()),
      ).catch(() => undefined);
    }
    // Not forced: wait (briefly) for in-flight PUBACKs so their rows can leave the outbox.
    await Promise.race([
      new Promise<void>((resolve) => client.end(false, {}, () => resolve())),
      new Promise<void>((resolve) => setTimeout(resolve, 5000).unref()),
    ]);
    client.end(true);
  }

  private publishStatus(): void {
    const client = this.client;
    if (!client?.connected) return;
    let status: OnlineStatus;
    try {
      status = this.deps.status();
    } catch (err) {
      this.deps.log.error({ err }, 'status could not be built');
      return;
    }
    void this.limiter.take().then(() => {
      client.publish(TOPICS.status(this.deviceId), JSON.stringify(status), { qos: 1, retain: true }, (err) => {
        if (err) this.deps.metrics.publishErrors.inc();
      });
    });
  }

  private async onConfig(payload: Buffer): Promise<void> {
    const ack = await handleDesiredConfig(payload, {
      deviceId: this.deviceId,
      currentRevision: this.deps.currentRevision,
      apply: this.deps.applyConfig,
      log: this.deps.log,
    });
    if (!ack) return;
    await this.limiter.take();
    this.client?.publish(TOPICS.configAck(this.deviceId), JSON.stringify(ack), { qos: 1 });
    if (ack.status === 'applied') this.statusChanged();
  }

  private async onSnapshot(payload: Buffer): Promise<void> {
    const req = decodeSnapshotRequest(payload);
    if (!req.ok) {
      this.deps.log.warn({ error: req.error }, 'bad snapshot request ignored');
      return;
    }
    const { requestId, cameraId, overlay = true } = req.value;
    const head = { v: 1 as const, deviceId: this.deviceId, requestId, cameraId, at: new Date().toISOString() };
    let message: Buffer;
    try {
      const img = await this.deps.snapshot(cameraId, { overlay });
      const header: SnapshotHeader = { ...head, status: 'ok', width: img.width, height: img.height };
      message = encodeSnapshot(header, img.jpeg);
    } catch (err) {
      const header: SnapshotHeader = { ...head, status: 'error', width: 0, height: 0, error: (err as Error).message.slice(0, 500) };
      message = encodeSnapshot(header);
    }
    await this.limiter.take();
    this.client?.publish(TOPICS.snapshot(this.deviceId), message, { qos: 0 });
  }
}

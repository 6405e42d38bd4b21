import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { CAMERA_STATES } from '@smartstock/protocol';

/** Every figure the agent exposes on /metrics; one registry per agent so tests can run several. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'smartstock_agent_' });
  const m = {
    registry,
    frames: new Counter({
      name: 'smartstock_frames_total',
      help: 'frames sampled from cameras',
      labelNames: ['camera'],
      registers: [registry],
    }),
    framesDropped: new Counter({
      name: 'smartstock_frames_dropped_total',
      help: 'frames replaced by a newer one before inference (latest frame wins)',
      labelNames: ['camera'],
      registers: [registry],
    }),
    inferenceSeconds: new Histogram({
      name: 'smartstock_inference_seconds',
      help: 'vision time per frame',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    outboxDepth: new Gauge({ name: 'smartstock_outbox_depth', help: 'observations waiting for PUBACK', registers: [registry] }),
    outboxDropped: new Gauge({ name: 'smartstock_outbox_dropped_rows', help: 'rows dropped by the disk cap', registers: [registry] }),
    observationsStored: new Counter({
      name: 'smartstock_observations_stored_total',
      help: 'observations committed',
      registers: [registry],
    }),
    observationsPublished: new Counter({
      name: 'smartstock_observations_published_total',
      help: 'observations acknowledged by the broker',
      registers: [registry],
    }),
    publishErrors: new Counter({ name: 'smartstock_publish_errors_total', help: 'MQTT publishes that failed', registers: [registry] }),
    batchesUnrouted: new Counter({
      name: 'smartstock_batches_unrouted_total',
      help: 'batches an MQTT 5 broker answered "no matching subscribers" (kept and sent again)',
      registers: [registry],
    }),
    mqttConnected: new Gauge({ name: 'smartstock_mqtt_connected', help: '1 while connected to the broker', registers: [registry] }),
    cameraState: new Gauge({
      name: 'smartstock_camera_state',
      help: '1 for the state each camera is in',
      labelNames: ['camera', 'state'],
      registers: [registry],
    }),
    cameraRestarts: new Counter({
      name: 'smartstock_camera_restarts_total',
      help: 'ffmpeg restarts',
      labelNames: ['camera'],
      registers: [registry],
    }),
    setCameraState(camera: string, state: string): void {
      for (const known of CAMERA_STATES) m.cameraState.set({ camera, state: known }, known === state ? 1 : 0);
    },
  };
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;

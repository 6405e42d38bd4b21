/** Builders for valid protocol messages, shared by every workspace's tests. */
import type { Observation, ObservationBatch } from './messages/observation.js';
import type { DesiredConfig } from './messages/config.js';
import type { OnlineStatus } from './messages/status.js';
import { uuidv7 } from './uuid.js';

export function makeObservation(over: Partial<Observation> = {}): Observation {
  return {
    id: uuidv7(),
    cameraId: 'cam-1',
    slotId: 'slot-1',
    sku: 'TITOS-750',
    at: new Date().toISOString(),
    count: 3,
    fills: [1, 1, 0.62],
    units: 2.62,
    confidence: 0.91,
    state: 'ok',
    reason: 'change',
    ...over,
  };
}

export function makeBatch(over: Partial<ObservationBatch> = {}): ObservationBatch {
  return { v: 1, deviceId: 'bar-42-edge', seq: 0, sentAt: new Date().toISOString(), observations: [makeObservation()], ...over };
}

export function makeDesiredConfig(over: Partial<DesiredConfig> = {}): DesiredConfig {
  return {
    v: 1,
    deviceId: 'bar-42-edge',
    revision: 1,
    issuedAt: new Date().toISOString(),
    cameras: [
      {
        id: 'cam-1',
        url: 'rtsp://user:secret@10.0.0.5:554/stream1',
        transport: 'tcp',
        sampleEverySeconds: 2,
        enabled: true,
        slots: [
          {
            id: 'slot-1',
            sku: 'TITOS-750',
            polygon: [
              [0.1, 0.1],
              [0.3, 0.1],
              [0.3, 0.4],
              [0.1, 0.4],
            ],
          },
        ],
      },
    ],
    ...over,
  };
}

export function makeOnlineStatus(over: Partial<OnlineStatus> = {}): OnlineStatus {
  return {
    v: 1,
    deviceId: 'bar-42-edge',
    state: 'online',
    at: new Date().toISOString(),
    agentVersion: '0.1.0',
    uptimeS: 12,
    cameras: [{ id: 'cam-1', state: 'streaming', fps: 0.5, lastFrameAt: new Date().toISOString(), restarts: 0, droppedFrames: 0 }],
    inferenceMs: { p50: 9, p99: 14 },
    models: { detector: 'bottles-v1', fill: 'fill-v1' },
    outbox: { depth: 0, droppedRows: 0 },
    configRevision: 1,
    ...over,
  };
}

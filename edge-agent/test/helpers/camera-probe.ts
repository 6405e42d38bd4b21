import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { CameraConfig, CameraHealth } from '@smartstock/protocol';
import { headerSize } from '@smartstock/models';
import { REDACT_PATHS, findFfmpeg } from '@smartstock/runtime';
import { Camera } from '../../src/camera/camera.js';
import { EventBus } from '../../src/bus.js';
import { createMetrics } from '../../src/health/metrics.js';
import { cameraRuntimeSchema, type AgentConfig } from '../../src/config/schema.js';

/** What one camera did, seen from the outside: its frames, the states it went through, every log line. */
export interface CameraProbe {
  camera: Camera;
  /** JPEG sizes of the frames so far, `WxH`, in order. */
  sizes: string[];
  /** A digest of each JPEG, in order: the same picture twice in a row is the same digest. */
  digests: string[];
  /** Raw (analysis) frame sizes, `WxH`. */
  rawSizes: string[];
  /** Every state change, `state: reason`, in order. */
  states: string[];
  /** Every log line the camera wrote (JSON), debug level: ffmpeg's own lines included. */
  logs: string[];
  health(): CameraHealth;
  stop(): Promise<void>;
}

/** Runs one Camera (the agent's class, its real ffmpeg) against a URL, without broker or models. */
export function probeCamera(
  url: string,
  over: Partial<CameraConfig> = {},
  runtime: Partial<AgentConfig['camera']> = {},
  detectorInput: { width: number; height: number } | undefined = { width: 416, height: 416 },
): CameraProbe {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const log = pino({ level: 'debug', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);
  const bus = new EventBus(log);
  const sizes: string[] = [];
  const rawSizes: string[] = [];
  const digests: string[] = [];
  const states: string[] = [];
  bus.on('frame', 'probe', (f) => {
    const size = headerSize(f.jpeg);
    sizes.push(size ? `${size.width}x${size.height}` : '?');
    digests.push(createHash('sha1').update(f.jpeg).digest('hex'));
    if (f.pixels) rawSizes.push(`${f.pixels.width}x${f.pixels.height}`);
    f.release?.();
  });
  const settings = cameraRuntimeSchema.parse({
    staleAfterSeconds: 8,
    firstFrameSeconds: 15,
    backoffMinMs: 300,
    backoffMaxMs: 1500,
    failAfterAttempts: 3,
    stableRunSeconds: 5,
    stopGraceMs: 1000,
    ...runtime,
  });
  const camera = new Camera(
    { id: 'probe-cam', url, transport: 'tcp', sampleEverySeconds: 0.5, enabled: true, slots: [], ...over },
    {
      runtime: settings,
      ffmpegPath: findFfmpeg(settings.ffmpegPath),
      bus,
      metrics: createMetrics(),
      log: log.child({ camera: 'probe-cam' }),
      onStateChange: (h) => states.push(`${h.state}${h.reason ? `: ${h.reason}` : ''}`),
      detectorInput,
    },
  );
  camera.start();
  return { camera, sizes, digests, rawSizes, states, logs, health: () => camera.health(), stop: () => camera.stop() };
}

export const until = async (cond: () => boolean, what: string, timeoutMs = 40_000): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`not in time: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

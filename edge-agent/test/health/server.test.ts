import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startAgent, type Agent } from '../../src/index.js';
import { ScriptedVision } from '../helpers/scripted-vision.js';
import { makeTestVideo } from '../helpers/rtsp.js';

let agent: Agent | undefined;
afterAll(async () => agent?.stop());

describe('health endpoints', () => {
  it('/healthz turns ready once a camera streams; /metrics exposes the figures', async () => {
    const video = makeTestVideo(4);
    agent = await startAgent(
      {
        deviceId: 'bar-health',
        dataDir: mkdtempSync(join(tmpdir(), 'ss-health-')),
        logLevel: 'warn',
        mqtt: { url: 'mqtt://127.0.0.1:9', reconnectMinMs: 1000 }, // nobody there: health must not depend on the cloud
        health: { port: 0 },
        cameras: [{ id: 'cam-1', url: pathToFileURL(video).href, sampleEverySeconds: 0.5, slots: [] }],
      },
      { vision: new ScriptedVision() },
    );
    expect(agent.healthUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const first = await fetch(`${agent.healthUrl}/healthz`);
    expect([200, 503]).toContain(first.status);
    const end = Date.now() + 30_000;
    let r = first;
    while (r.status !== 200 && Date.now() < end) {
      await new Promise((res) => setTimeout(res, 200));
      r = await fetch(`${agent.healthUrl}/healthz`);
    }
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: 'ok', checks: { outboxWritable: true, cameraStreaming: true } });
    const m = await (await fetch(`${agent.healthUrl}/metrics`)).text();
    expect(m).toMatch(/smartstock_frames_total\{camera="cam-1"\} [1-9]/);
    expect(m).toContain('smartstock_camera_state{camera="cam-1",state="streaming"} 1');
    expect(m).toContain('smartstock_inference_seconds_bucket');
    expect(m).toContain('smartstock_outbox_depth 0');
  });
});

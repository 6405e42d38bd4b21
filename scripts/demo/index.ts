/**
 * The one-command demo: a seeded venue, a generated shelf on an RTSP camera,
 * and an edge agent provisioned and configured through the same paths as a
 * real one, publishing to the cloud's embedded broker.
 */
import { join, resolve } from 'node:path';
import type { RunningCloud } from '@smartstock/cloud';
import type { CloudAuth } from '@smartstock/provisioning';
import { loadAgentConfig, startAgent, type Agent } from '@smartstock/edge-agent';
import { demoAgentLogger } from './agent-logger.js';
import { ensureDemoVideo } from './video.js';
import { openDemoCamera, type DemoCamera } from './camera.js';
import { ensureDemoDevice, DEMO_DEVICE_ID } from './device.js';

export interface DemoOptions {
  dataDir: string;
  /** The demo camera listens here (the cloud's HTTP host). */
  host: string;
  rtspPort: number;
  /** who sets the demo device up on the first start: a token, or a sign-in */
  auth: CloudAuth | undefined;
}

export interface RunningDemo {
  deviceId: string;
  /** the demo venue: where a real device set up beside the demo goes */
  venueId: string;
  cameraUrl: string;
  stop(): Promise<void>;
}

export async function startDemo(cloud: RunningCloud, o: DemoOptions): Promise<RunningDemo> {
  const log = cloud.logger.child({ module: 'demo' });
  const dir = resolve(o.dataDir, 'demo');
  const camera: DemoCamera = await openDemoCamera(o.host, o.rtspPort, log);
  let agent: Agent | undefined;
  let venueId: string;
  try {
    const seed = await cloud.seedDemo();
    venueId = seed.venueId;
    const video = await ensureDemoVideo(dir, log);
    camera.play(video.path);
    if (!cloud.pkiDir) throw new Error('the demo needs the embedded broker (unset MQTT_URL, or run with --no-demo)');
    const bundle = await ensureDemoDevice({
      cloudUrl: cloud.url,
      brokerUrl: cloud.brokerUrl,
      caDir: cloud.pkiDir,
      venueId: seed.venueId,
      locationId: seed.locations.mainBar,
      items: seed.items,
      cameraUrl: camera.url,
      slots: video.slots,
      auth: o.auth,
      dir,
      log,
    });
    const cfg = loadAgentConfig(join(bundle, 'agent.yaml'));
    agent = await startAgent(
      {
        ...cfg,
        dataDir: join(dir, 'agent'),
        // the broker may listen on another port than when the bundle was made
        mqtt: {
          ...cfg.mqtt,
          url: cloud.brokerUrl,
          caFile: resolve(bundle, cfg.mqtt.caFile!),
          certFile: resolve(bundle, cfg.mqtt.certFile!),
          keyFile: resolve(bundle, cfg.mqtt.keyFile!),
        },
        health: { ...cfg.health, port: 0 },
        vision: { ...cfg.vision, threads: 1 },
      },
      { logger: demoAgentLogger(cloud.logger) },
    );
  } catch (e) {
    await camera.stop();
    throw e;
  }
  return {
    deviceId: DEMO_DEVICE_ID,
    venueId,
    cameraUrl: camera.url,
    async stop() {
      await agent?.stop();
      await camera.stop();
    },
  };
}

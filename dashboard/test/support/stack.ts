// The real stack for the dashboard's end-to-end test: the cloud on PGlite with its
// embedded TLS broker, a simulated device speaking MQTT over mutual TLS with a
// certificate issued from the cloud's CA, and the built dashboard served by Vite's
// preview server with /api proxied to the cloud (HTTP and the live WebSocket).
import { mkdtempSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as viteBuild, preview, type PreviewServer } from 'vite';
import { connectAsync, type MqttClient } from 'mqtt';
import { startCloud, type RunningCloud } from '@smartstock/cloud';
import { issueDeviceCertificate, loadCa } from '@smartstock/pki';
import { TOPICS, encodeSnapshot } from '@smartstock/protocol';
import { makeBatch, makeObservation, makeOnlineStatus } from '@smartstock/protocol/testing';
import { makeScene, renderScene, type RenderedScene } from '@smartstock/models';

export const OWNER = { email: 'owner@anchor.test', password: 'correct horse battery staple' };
export const DEV = 'anchor-edge-1';
const root = fileURLToPath(new URL('../..', import.meta.url));

export interface Stack {
  cloud: RunningCloud;
  demo: Awaited<ReturnType<RunningCloud['seedDemo']>>;
  web: PreviewServer;
  url: string;
  device: SimDevice;
  api<T = any>(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T }>;
  login(email: string, password: string): Promise<string>;
  /** cuts the browser off from the server (page, API, live WebSocket), or lets it through again */
  cut(off: boolean): void;
  close(): Promise<void>;
}

/**
 * A TCP gate in front of the dashboard's server: the browser, its service worker and its live
 * socket all come through it, so closing it is the network going away as the browser sees it,
 * without emulating offline in the browser (the packaged Chromium 143 does not apply that to
 * service workers).
 */
async function startGate(target: URL): Promise<{ url: string; cut(off: boolean): void; close(): Promise<void> }> {
  let off = false;
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    if (off) return client.destroy();
    const upstream = connect(Number(target.port), target.hostname);
    open.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return {
    url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`,
    cut(o) {
      off = o;
      if (o) for (const s of open) s.destroy();
    },
    close() {
      off = true;
      for (const s of open) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export class SimDevice {
  private seq = 0;
  /** set: snapshot requests are answered with this error, as an agent whose camera has no frame yet */
  snapshotError: string | undefined;
  constructor(
    readonly mqtt: MqttClient,
    readonly frame: RenderedScene,
  ) {}

  /** answers snapshot requests with the rendered shelf and acknowledges every config */
  async serve(): Promise<void> {
    await this.mqtt.subscribeAsync([TOPICS.snapshotRequest(DEV), TOPICS.config(DEV)], { qos: 1 });
    this.mqtt.on('message', (topic, payload) => {
      const m = JSON.parse(payload.toString()) as { requestId?: string; cameraId?: string; revision?: number };
      if (topic === TOPICS.snapshotRequest(DEV) && this.snapshotError) {
        const header = { v: 1 as const, deviceId: DEV, requestId: m.requestId!, cameraId: m.cameraId!, at: new Date().toISOString() };
        const refusal = { ...header, status: 'error' as const, width: 0, height: 0, error: this.snapshotError };
        this.mqtt.publish(TOPICS.snapshot(DEV), encodeSnapshot(refusal), { qos: 0 });
      } else if (topic === TOPICS.snapshotRequest(DEV)) {
        const header = {
          v: 1 as const,
          deviceId: DEV,
          requestId: m.requestId!,
          cameraId: m.cameraId!,
          at: new Date().toISOString(),
          status: 'ok' as const,
          width: this.frame.width,
          height: this.frame.height,
        };
        this.mqtt.publish(TOPICS.snapshot(DEV), encodeSnapshot(header, this.frame.jpeg), { qos: 0 });
      } else if (topic === TOPICS.config(DEV) && m.revision) {
        const ack = { v: 1, deviceId: DEV, revision: m.revision, status: 'applied', at: new Date().toISOString() };
        this.mqtt.publish(TOPICS.configAck(DEV), JSON.stringify(ack), { qos: 1 });
      }
    });
    await this.status();
  }

  /** the online status, cam-1 streaming unless told; `firstFrame: false` is a camera still connecting */
  async status(o: { firstFrame?: boolean } = {}): Promise<void> {
    const cam = { id: 'cam-1', fps: 0.5, restarts: 0, droppedFrames: 0 };
    const camera =
      o.firstFrame === false
        ? { ...cam, state: 'connecting' as const, lastFrameAt: null }
        : { ...cam, state: 'streaming' as const, lastFrameAt: new Date().toISOString() };
    const status = makeOnlineStatus({ deviceId: DEV, cameras: [camera] });
    await this.mqtt.publishAsync(TOPICS.status(DEV), JSON.stringify(status), { qos: 1, retain: true });
  }

  async observe(slots: { slotId: string; sku: string; fills: number[]; state?: 'ok' | 'occluded' | 'stale' }[]): Promise<void> {
    const batch = makeBatch({
      deviceId: DEV,
      seq: ++this.seq,
      observations: slots.map((s) =>
        makeObservation({
          cameraId: 'cam-1',
          slotId: s.slotId,
          sku: s.sku,
          count: s.fills.length,
          fills: s.fills,
          units: Math.round(s.fills.reduce((a, b) => a + b, 0) * 100) / 100,
          confidence: 0.93,
          state: s.state ?? 'ok',
        }),
      ),
    });
    await this.mqtt.publishAsync(TOPICS.obs(DEV), JSON.stringify(batch), { qos: 1 });
  }
}

export async function startStack(): Promise<Stack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dashboard-e2e-'));
  const cloud = await startCloud({
    http: { host: '127.0.0.1', port: 0 },
    database: { memory: true },
    dataDir,
    logLevel: 'silent',
    auth: { argon2: { memoryCost: 8, timeCost: 1 }, loginRateLimit: { max: 1000, windowSeconds: 60 } },
    owner: { ...OWNER, name: 'Olivia Owner', organisation: 'Harbour Bars Ltd' },
    broker: { embedded: { host: '127.0.0.1', port: 0 } },
    rateLimit: { max: 100_000, windowSeconds: 60 },
    snapshotTimeoutMs: 5000,
  } as never);
  const demo = await cloud.seedDemo();

  const api = async (method: string, path: string, body?: unknown, token?: string) => {
    const res = await fetch(cloud.url + path, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined };
  };
  const login = async (email: string, password: string) => {
    const r = await api('POST', '/api/v1/auth/login', { email, password });
    if (r.status !== 200) throw new Error(`login ${email}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.accessToken as string;
  };

  const cert = issueDeviceCertificate(loadCa(cloud.pkiDir!), DEV);
  const mqtt = await connectAsync(cloud.brokerUrl, {
    clientId: DEV,
    key: cert.keyPem,
    cert: cert.certPem,
    ca: (await import('node:fs')).readFileSync(cloud.caCertPath!, 'utf8'),
    rejectUnauthorized: true,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 20_000,
  });
  const frame = await renderScene(makeScene({ seed: 7, width: 640, height: 360 }));
  const device = new SimDevice(mqtt, frame);

  // its own output folder, so a test run never replaces the dist/ the cloud serves; and a
  // production build (vitest sets NODE_ENV=test, which would give Svelte's dev build)
  const outDir = join(dataDir, 'dist');
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await viteBuild({ root, logLevel: 'warn', configFile: join(root, 'vite.config.ts'), build: { outDir, emptyOutDir: true } });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  const web = await preview({
    root,
    configFile: join(root, 'vite.config.ts'),
    build: { outDir },
    logLevel: 'warn',
    preview: { host: '127.0.0.1', port: 0, strictPort: false, proxy: { '/api': { target: cloud.url, ws: true } } },
  });
  const addr = web.httpServer.address();
  // the browser reaches everything (page, API, live socket) through the gate
  const gate = await startGate(new URL(`http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`));
  const url = gate.url;

  return {
    cloud,
    demo,
    web,
    url,
    device,
    api,
    login,
    cut: (off) => gate.cut(off),
    async close() {
      await gate.close();
      await mqtt.endAsync(true).catch(() => undefined);
      await new Promise<void>((r) => web.httpServer.close(() => r()));
      await cloud.stop();
    },
  };
}

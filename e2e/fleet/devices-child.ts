/**
 * The simulated edge boxes, in a process of their own so the measuring process is not slowed by
 * them: each is an mqtt.js client with its own certificate (CN = thing name) and a retained last
 * will "offline", publishing what the agent publishes (edge-agent/src/uplink): retained online
 * status on connect and every `statusSeconds`, observation batches on change and heartbeats of a
 * whole camera, QoS 1, at most `MAX_INFLIGHT` unacknowledged (the agent's mqtt.maxInflight).
 * Each observation's `at` is the instant it was published, which the measuring process compares
 * with the commit. Driven by the parent over IPC; every phase is bounded.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { TOPICS, encodeBatch, uuidv7, type Observation } from '@smartstock/protocol';
import { makeOnlineStatus } from '@smartstock/protocol/testing';
import { fleetCert } from './certs.js';
import type { FleetDevice } from './layout.js';

export type ChildCommand =
  | { cmd: 'connect'; brokerUrl: string; protocolVersion: 4 | 5; devices: FleetDevice[]; statusSeconds: number }
  | { cmd: 'burst'; batchesPerDevice: number; kind: BurstKind }
  | { cmd: 'paced'; obsPerSecond: number; seconds: number }
  | { cmd: 'wills'; count: number }
  | { cmd: 'stop' };
/** heartbeat: every slot's unchanged reading (the cloud folds most); change: every slot's reading moved (all stored) */
export type BurstKind = 'heartbeat' | 'change';
export type ChildEvent =
  | { ev: 'connected'; n: number; ms: number }
  | { ev: 'published'; batches: number; obs: number; firstAt: number; lastAt: number; errors: number }
  | { ev: 'willsSent'; ids: string[] }
  | { ev: 'stopped' }
  | { ev: 'error'; message: string };

const MAX_INFLIGHT = 10;
const CONNECT_CONCURRENCY = 16;
const wall = () => performance.timeOrigin + performance.now();
const send = (e: ChildEvent): void => void process.send!(e);

interface Sim {
  d: FleetDevice;
  client: MqttClient;
  seq: number;
  counts: Map<string, number>;
  inflight: number;
}
let sims: Sim[] = [];
let statusTimer: NodeJS.Timeout | undefined;
const stats = { batches: 0, obs: 0, firstAt: 0, lastAt: 0, errors: 0 };

function observation(s: Sim, cameraId: string, slot: { id: string; sku: string }, reason: 'change' | 'heartbeat', at: string): Observation {
  const key = `${cameraId}/${slot.id}`;
  let count = s.counts.get(key) ?? 4;
  if (reason === 'change') s.counts.set(key, (count = count > 0 && Math.random() < 0.8 ? count - 1 : 6));
  const fills = Array.from({ length: count }, (_, k) => (k === count - 1 ? 0.5 : 1));
  const units = fills.reduce((a, b) => a + b, 0);
  return { id: uuidv7(), cameraId, slotId: slot.id, sku: slot.sku, at, count, fills, units, confidence: 0.9, state: 'ok', reason };
}

async function publish(s: Sim, obs: (at: string) => Observation[]): Promise<void> {
  while (s.inflight >= MAX_INFLIGHT) await new Promise((r) => setTimeout(r, 5));
  const now = wall();
  const batch = obs(new Date(now).toISOString());
  const [b] = encodeBatch(s.d.id, batch, { firstSeq: s.seq++, sentAt: new Date(now) });
  s.inflight++;
  stats.firstAt ||= now;
  try {
    await s.client.publishAsync(TOPICS.obs(s.d.id), b!.payload, { qos: 1 });
    stats.batches++;
    stats.obs += batch.length;
    stats.lastAt = wall();
  } catch {
    stats.errors++;
  } finally {
    s.inflight--;
  }
}

const wholeCamera = (s: Sim, cam: FleetDevice['cameras'][number], reason: BurstKind = 'heartbeat') =>
  publish(s, (at) => cam.slots.map((slot) => observation(s, cam.id, slot, reason, at)));
const heartbeat = (s: Sim, cam: FleetDevice['cameras'][number]) => wholeCamera(s, cam);
const change = (s: Sim, k: number) =>
  publish(s, (at) =>
    Array.from({ length: k }, () => {
      const cam = s.d.cameras[Math.floor(Math.random() * s.d.cameras.length)]!;
      return observation(s, cam.id, cam.slots[Math.floor(Math.random() * cam.slots.length)]!, 'change', at);
    }),
  );

function status(s: Sim) {
  const cameras = s.d.cameras.map((c) => ({
    id: c.id,
    state: 'streaming' as const,
    fps: 0.5,
    lastFrameAt: new Date().toISOString(),
    restarts: 0,
    droppedFrames: 0,
  }));
  const st = makeOnlineStatus({ deviceId: s.d.id, cameras, configRevision: 0 });
  s.client.publish(TOPICS.status(s.d.id), JSON.stringify(st), { qos: 1, retain: true }, (e) => void (e && stats.errors++));
}

async function connectOne(d: FleetDevice, url: string, protocolVersion: 4 | 5): Promise<Sim> {
  const c = fleetCert(d.id);
  const client = await mqtt.connectAsync(url, {
    clientId: d.id,
    clean: false,
    ...(protocolVersion === 5 ? { protocolVersion: 5, properties: { sessionExpiryInterval: 3600 } } : { protocolVersion: 4 }),
    key: c.keyPem,
    cert: c.certPem,
    ca: c.caPem,
    servername: 'localhost',
    rejectUnauthorized: true,
    reconnectPeriod: 0,
    connectTimeout: 60_000,
    keepalive: 60,
    will: {
      topic: TOPICS.status(d.id),
      payload: Buffer.from(JSON.stringify({ v: 1, deviceId: d.id, state: 'offline' })),
      qos: 1,
      retain: true,
    },
  });
  client.on('error', () => stats.errors++);
  const s: Sim = { d, client, seq: 0, counts: new Map(), inflight: 0 };
  await client.subscribeAsync([TOPICS.config(d.id), TOPICS.snapshotRequest(d.id)], { qos: 1 });
  status(s);
  return s;
}

const reset = () => Object.assign(stats, { batches: 0, obs: 0, firstAt: 0, lastAt: 0, errors: 0 });
const report = () => send({ ev: 'published', ...stats });

async function handle(m: ChildCommand): Promise<void> {
  if (m.cmd === 'connect') {
    const t0 = performance.now();
    const queue = [...m.devices];
    const out: Sim[] = [];
    await Promise.all(
      Array.from({ length: CONNECT_CONCURRENCY }, async () => {
        for (let d = queue.shift(); d; d = queue.shift()) out.push(await connectOne(d, m.brokerUrl, m.protocolVersion));
      }),
    );
    sims = out;
    statusTimer = setInterval(() => sims.forEach((s) => s.client.connected && status(s)), m.statusSeconds * 1000);
    return send({ ev: 'connected', n: sims.length, ms: performance.now() - t0 });
  }
  if (m.cmd === 'burst') {
    // an outbox drained after an outage: every camera's heartbeat (or every slot changed), `batchesPerDevice`
    // batches a device, as fast as acked
    reset();
    await Promise.all(
      sims.map(async (s) => {
        const pending: Promise<void>[] = [];
        for (let i = 0; i < m.batchesPerDevice; i++) pending.push(wholeCamera(s, s.d.cameras[i % s.d.cameras.length]!, m.kind));
        await Promise.all(pending);
      }),
    );
    return report();
  }
  if (m.cmd === 'paced') {
    // a third of the rate is whole-camera heartbeats, the rest changes of 3 slots, each device on its own staggered timers
    reset();
    const slots = sims.reduce((n, s) => n + s.d.cameras.reduce((k, c) => k + c.slots.length, 0), 0);
    const hbEveryMs = (slots / (m.obsPerSecond / 3)) * 1000;
    const changeEveryMs = ((sims.length * 3) / ((m.obsPerSecond * 2) / 3)) * 1000;
    const until = performance.now() + m.seconds * 1000;
    const timers: NodeJS.Timeout[] = [];
    const every = (ms: number, fn: () => void) =>
      timers.push(setTimeout(() => (fn(), timers.push(setInterval(() => performance.now() < until && fn(), ms))), Math.random() * ms));
    for (const s of sims) {
      every(changeEveryMs, () => void change(s, 3));
      for (const cam of s.d.cameras) every(hbEveryMs, () => void heartbeat(s, cam));
    }
    await new Promise((r) => setTimeout(r, m.seconds * 1000));
    timers.forEach((t) => clearTimeout(t));
    while (sims.some((s) => s.inflight)) await new Promise((r) => setTimeout(r, 20));
    return report();
  }
  if (m.cmd === 'wills') {
    // power cut: the socket drops without DISCONNECT, so the broker publishes the retained will
    const cut = sims.splice(0, m.count);
    for (const s of cut) s.client.stream.destroy();
    return send({ ev: 'willsSent', ids: cut.map((s) => s.d.id) });
  }
  clearInterval(statusTimer);
  await Promise.all(sims.map((s) => s.client.endAsync(true).catch(() => undefined)));
  send({ ev: 'stopped' });
  process.exit(0);
}

process.on('message', (m: ChildCommand) => void handle(m).catch((e: Error) => send({ ev: 'error', message: e.stack ?? e.message })));

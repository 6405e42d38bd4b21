import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startCloud, type RunningCloud } from '../../src/server.js';
import type { CloudConfigInput } from '../../src/config.js';
import { CHEAP_ARGON2 } from '../support/cloud.js';
import { freePort } from '../../../e2e/src/ports.js';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEST_MQTT_URL = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
export const OWNER = { email: 'owner@redis.test', password: 'a long owner password' };

/** One cloud instance of a test "deployment": shared database, Redis and JWT secret, its own broker session. */
export function startInstance(name: string, o: { run: string; dbUrl: string; redisUrl: string; over?: Partial<CloudConfigInput> }) {
  return startCloud({
    http: { host: '127.0.0.1', port: 0 },
    database: { url: o.dbUrl },
    dataDir: mkdtempSync(join(tmpdir(), `cloud-${name}-`)),
    logLevel: (process.env.TEST_LOG as 'silent') ?? 'silent',
    auth: {
      argon2: CHEAP_ARGON2,
      jwtSecret: `shared-secret-of-the-test-${o.run}-0123456789`,
      loginRateLimit: { max: 4, windowSeconds: 60 },
    },
    owner: { ...OWNER, organisation: 'Redis Test Bars' },
    broker: { url: TEST_MQTT_URL, clientId: `cloud-${name}-${o.run}`, sharedGroup: `redis-${o.run}` },
    // a prefix per run: parallel suites on the machine's Redis never meet, and nothing needs FLUSHALL
    redis: { url: o.redisUrl, keyPrefix: `sstest-${o.run}:` },
    rateLimit: { max: 100_000, windowSeconds: 60 },
    ...o.over,
  });
}

export async function api(c: RunningCloud, method: string, path: string, o: { token?: string; body?: unknown } = {}) {
  const res = await fetch(`${c.url}${path}`, {
    method,
    headers: { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...(o.body ? { 'content-type': 'application/json' } : {}) },
    ...(o.body ? { body: JSON.stringify(o.body) } : {}),
  });
  return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
}

export interface LiveClient {
  got: { type: string; cursor: number; data: any }[];
  close(): void;
}
export async function openLive(c: RunningCloud, token: string, venueId: string): Promise<LiveClient> {
  const ws = new WebSocket(`${c.url.replace('http', 'ws')}/api/v1/live?venueId=${venueId}`, ['smartstock.v1', `bearer.${token}`]);
  const got: LiveClient['got'] = [];
  ws.on('message', (m) => got.push(JSON.parse(m.toString())));
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  return { got, close: () => ws.close() };
}

export const privateDbName = (run: string) => `ss_redis_${run}`;
export const newRun = () => randomBytes(4).toString('hex');

/** A redis-server of the test's own, so stopping it mid-run disturbs no other suite. */
export async function privateRedis(): Promise<{ url: string; start(): Promise<void>; stop(): Promise<void> }> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  return {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'pipe' });
      await new Promise<void>((resolve, reject) => {
        child!.stdout!.on('data', (d: Buffer) => d.toString().includes('Ready to accept connections') && resolve());
        child!.once('exit', (code) => reject(new Error(`redis-server exited ${code}`)));
      });
    },
    async stop() {
      if (!child || child.exitCode !== null) return;
      const gone = new Promise((r) => child!.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    },
  };
}

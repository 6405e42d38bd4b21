/**
 * The suite's own PostgreSQL cluster, Mosquitto broker and cloud processes.
 * All are private to the run (temporary directories, free ports), because the
 * faults stop and restart them: the machine's shared services are never touched.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, listening, waitFor } from '../src/ports.js';
import { startProc, waitForLine, type Proc } from '../src/procs.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** initdb refuses to run as root: the cluster then belongs to the postgres user. */
function pgBin(name: string): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(base, v, 'bin', name))) return join(base, v, 'bin', name);
  return name;
}
const asPg = (cmd: string, args: string[]): [string, string[]] =>
  process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];

export interface PgCluster {
  url: string;
  /** `immediate` is a crash (no checkpoint, WAL replay on start); `fast` a clean shutdown. */
  stop(mode?: 'immediate' | 'fast'): void;
  start(): void;
  destroy(): void;
}

export async function startPgCluster(): Promise<PgCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'ss-faults-pg-'));
  const data = join(dir, 'data');
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
  }
  const port = await freePort();
  const run = (cmd: string, args: string[]) => {
    const [c, a] = asPg(pgBin(cmd), args);
    execFileSync(c, a, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  };
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=60`;
  const start = () => run('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'pg.log'), '-w', '-t', '60', 'start']);
  start();
  let up = true;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop(mode = 'immediate') {
      run('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
      up = false;
    },
    start() {
      start();
      up = true;
    },
    destroy() {
      if (up) run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      execFileSync('rm', ['-rf', dir]);
    },
  };
}

export interface Broker {
  url: string;
  start(): Promise<void>;
  /** SIGTERM: Mosquitto writes its persistence file (queued QoS 1 messages, sessions) on the way out. */
  stop(): Promise<void>;
}

export async function makeBroker(): Promise<Broker> {
  const dir = mkdtempSync(join(tmpdir(), 'ss-faults-mqtt-'));
  chmodSync(dir, 0o777); // mosquitto started as root drops to its own user before writing persistence
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence true',
      `persistence_location ${dir}/`,
      // the default (1000) would silently drop a busy offline session's queue: a production broker is sized for its fleet
      'max_queued_messages 100000',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      'log_type notice',
      '',
    ].join('\n'),
  );
  let proc: Proc | undefined;
  const broker: Broker = {
    url: `mqtt://127.0.0.1:${port}`,
    async start() {
      proc = startProc('mosquitto', 'mosquitto', ['-c', conf]);
      const p = proc;
      await waitFor(() => listening(port), 15_000, 'mosquitto to listen').catch((e: Error) => {
        throw new Error(`${e.message}\n${p.tail()}`);
      });
    },
    async stop() {
      await proc?.stop('SIGTERM');
    },
  };
  await broker.start();
  return broker;
}

export interface CloudOptions {
  name: string;
  dbUrl: string;
  /** absent: the cloud runs its embedded broker (set BROKER_HOST and BROKER_PORT in `env`) */
  mqttUrl?: string;
  group: string;
  run: string;
  /** more environment, over the defaults below (the fleet bench's TLS files and log level) */
  env?: Record<string, string>;
}

export interface Cloud {
  proc: Proc;
  /** its HTTP address */
  url: string;
  /** Messages this instance stored, and redelivered duplicates it absorbed, from its "batch stored" log lines. */
  stored: number;
  /** heartbeats folded into their slot's reading (news, not rows) */
  folded: number;
  duplicates: number;
}

/** `cloud/src/main.ts` as production runs it: external PostgreSQL and MQTT, a shared ingest subscription. */
export async function startCloud(o: CloudOptions): Promise<Cloud> {
  const port = await freePort();
  const proc = startProc(`cloud-${o.name}`, process.execPath, ['--import', 'tsx', 'cloud/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: o.dbUrl,
      ...(o.mqttUrl ? { MQTT_URL: o.mqttUrl } : {}),
      // stable per instance: a restart resumes the broker session that holds what it had not acknowledged
      MQTT_CLIENT_ID: `cloud-${o.name}-${o.run}`,
      MQTT_SHARED_GROUP: o.group,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: mkdtempSync(join(tmpdir(), `ss-faults-cloud-${o.name}-`)),
      SMARTSTOCK_JWT_SECRET: `fault-suite-secret-${o.run}-0123456789abcdef`,
      LOG_LEVEL: 'debug',
      USER: userInfo().username,
      ...o.env,
    },
  });
  const cloud: Cloud = { proc, url: `http://127.0.0.1:${port}`, stored: 0, folded: 0, duplicates: 0 };
  proc.onLine((l) => {
    if (!l.includes('"batch stored"')) return;
    const m = JSON.parse(l) as { stored: number; folded: number; duplicates: number };
    cloud.stored += m.stored;
    cloud.folded += m.folded;
    cloud.duplicates += m.duplicates;
  });
  await waitForLine(proc, (l) => l.includes('"ingest subscribed"'), 90_000, 'ingest subscription');
  return cloud;
}

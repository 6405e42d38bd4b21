/**
 * The whole stack for the fault suite, and the comparison of what the agent
 * observed with what the cloud stored. Each fault gets its own device id (and
 * agent data directory), so its truth log and its cloud rows are its own.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createLogger } from '@smartstock/runtime';
import type { AgentConfigInput } from '@smartstock/edge-agent';
import { openDb, migrate } from '../../cloud/src/db/index.js';
import { seedDemo, seedOwner } from '../../cloud/src/seed/index.js';
import { passwordHasher } from '../../cloud/src/users/index.js';
import { DeviceRepository } from '../../cloud/src/devices/device.repository.js';
import { ensureDemoVideo, type DemoVideo } from '../../scripts/demo/video.js';
import { gstRtspCommand } from '../../edge-agent/test/helpers/gst-rtsp.js';
import { makeBroker, ROOT, startCloud, startPgCluster, type Broker, type Cloud, type PgCluster } from './services.js';
import { sleep, startProc, waitForLine, type Proc } from '../src/procs.js';
import { freePort } from '../src/ports.js';

export const log = createLogger('faults', { level: 'warn' });

/** Production's heartbeat is 300 s; the suite's 1 s makes every slot report each second, the stream the faults cut into. */
export const HEARTBEAT_S = 1;
/**
 * The clouds' observations.heartbeatKeepSeconds, compressed as the heartbeat is (3600 s at 300 s = 12 at 1):
 * most heartbeats fold, and every slot stores one again each window.
 */
export const HEARTBEAT_KEEP_S = 12;

/** One line of the agent's truth log (agent-child.ts). */
export interface Observed {
  id: string;
  reason: 'change' | 'heartbeat';
  cameraId: string;
  slotId: string;
  at: string;
  count: number;
  units: number;
  fills: (number | null)[];
  state: string;
}

export interface Agent {
  proc: Proc;
  /** The agent's durable disk-cap drop counter, as last printed. */
  dropped: number;
}

export interface Device {
  id: string;
  dataDir: string;
  truthFile: string;
  configFile: string;
}

export class Stack {
  readonly run = randomBytes(4).toString('hex');
  pg!: PgCluster;
  broker!: Broker;
  clouds: Record<'a' | 'b', Cloud> = {} as Record<'a' | 'b', Cloud>;
  private video!: DemoVideo;
  /**
   * The camera: GStreamer's RTSP server (not ours, as many cameras embed it) serving the synthetic
   * back-bar video over TCP only, each reader from the start of the clip.
   */
  private camera: { port: number; proc?: Proc } = { port: 0 };
  private orgId = '';
  private venueId = '';
  private db!: pg.Pool;
  agent: Agent | undefined;

  async start(): Promise<void> {
    this.pg = await startPgCluster();
    const seedDb = await openDb({ url: this.pg.url });
    await migrate(seedDb);
    const owner = await seedOwner(seedDb, passwordHasher({ memoryCost: 8, timeCost: 1 }), {
      organisation: 'Fault Suite Bars',
      email: `owner-${this.run}@faults.test`,
      password: 'a long owner password',
    });
    this.orgId = owner!.orgId;
    this.venueId = (await seedDemo(seedDb, this.orgId)).venueId;
    await seedDb.close();
    this.db = new pg.Pool({ connectionString: this.pg.url, max: 2 });
    // a pool error while PostgreSQL is being restarted is expected; queries retry below
    this.db.on('error', () => undefined);
    this.broker = await makeBroker();
    await this.startCloud('a');
    await this.startCloud('b');
    this.video = await ensureDemoVideo(join(ROOT, 'data', 'faults-cache'), log);
    this.camera.port = await freePort();
    await this.restoreCamera();
  }

  async startCloud(name: 'a' | 'b'): Promise<Cloud> {
    const o = {
      name,
      dbUrl: this.pg.url,
      mqttUrl: this.broker.url,
      group: `ingest-${this.run}`,
      run: this.run,
      env: { OBSERVATION_HEARTBEAT_KEEP_SECONDS: String(HEARTBEAT_KEEP_S) },
    };
    return (this.clouds[name] = await startCloud(o));
  }

  /**
   * A camera that loses power: its RTSP server dies mid-stream (SIGKILL), the agent's reader
   * sees the connection drop, and every reconnect its watchdog tries is refused until it is back.
   */
  async cutCamera(): Promise<void> {
    await this.camera.proc?.stop('SIGKILL');
    this.camera.proc = undefined;
  }

  /** The camera boots again on the same address. */
  async restoreCamera(): Promise<void> {
    const { cmd, args } = gstRtspCommand(this.camera.port, 'shelf', { tcpOnly: true, video: this.video.path });
    this.camera.proc = startProc('camera', cmd, args);
    await waitForLine(this.camera.proc, (l) => l === 'ready', 15_000, 'camera (gst-rtsp-server) start');
  }

  async newDevice(fault: string, over: Partial<AgentConfigInput> = {}): Promise<Device> {
    const id = `faults-${fault}-${this.run}`;
    const db = await openDb({ url: this.pg.url });
    await new DeviceRepository(db).create(this.orgId, { id, venueId: this.venueId, name: `fault ${fault}` });
    await db.close();
    const dataDir = mkdtempSync(join(tmpdir(), `ss-faults-agent-${fault}-`));
    const dev = { id, dataDir, truthFile: join(dataDir, 'truth.log'), configFile: join(dataDir, 'agent.json') };
    this.writeAgentConfig(dev, over);
    return dev;
  }

  writeAgentConfig(dev: Device, over: Partial<AgentConfigInput> = {}, withCamera = true): void {
    const config: AgentConfigInput = {
      deviceId: dev.id,
      dataDir: dev.dataDir,
      logLevel: 'info',
      // production backs off up to 60 s; scaled with the outage so a reconnect lands within the compressed window
      // MQTT 5 as in docker/compose.yaml: a batch Mosquitto routes to no one (the clouds resubscribing after its restart) is kept
      mqtt: { url: this.broker.url, protocolVersion: 5, reconnectMinMs: 200, reconnectMaxMs: 2000, maxPublishesPerSecond: 20 },
      camera: { staleAfterSeconds: 5, backoffMinMs: 500, backoffMaxMs: 2000 },
      vision: { threads: 1 },
      shelf: { heartbeatSeconds: HEARTBEAT_S },
      health: { enabled: false },
      cameras: withCamera
        ? [
            {
              id: 'back-bar',
              url: `rtsp://127.0.0.1:${this.camera.port}/shelf`,
              sampleEverySeconds: 1,
              slots: this.video.slots.map((s, i) => ({ id: s.id, sku: `SKU-${i % 13}`, polygon: s.polygon })),
            },
          ]
        : [],
      ...over,
    };
    writeFileSync(dev.configFile, JSON.stringify(config, null, 2));
  }

  /** Starts the agent and resolves once it runs (its outbox open, uplink and camera started). */
  async startAgent(dev: Device): Promise<Agent> {
    const proc = startProc('agent', process.execPath, ['--import', 'tsx', 'e2e/faults/agent-child.ts', dev.configFile, dev.truthFile], {
      cwd: ROOT,
    });
    const agent: Agent = { proc, dropped: 0 };
    proc.onLine((l) => {
      const m = /^(?:READY|DROPPED) (\d+)$/.exec(l);
      if (m) agent.dropped = Number(m[1]);
    });
    await waitForLine(proc, (l) => l.startsWith('READY '), 120_000, 'agent start');
    return (this.agent = agent);
  }

  truth(dev: Device): string[] {
    return this.observed(dev).map((o) => o.id);
  }
  observed(dev: Device): Observed[] {
    if (!existsSync(dev.truthFile)) return [];
    return readFileSync(dev.truthFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Observed);
  }

  async query<R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<R[]> {
    for (let i = 0; ; i++) {
      try {
        return (await this.db.query<R>(sql, params)).rows;
      } catch (e) {
        if (i >= 60) throw e;
        await sleep(500);
      }
    }
  }

  async storedIds(dev: Device): Promise<string[]> {
    return (await this.query<{ id: string }>('SELECT id FROM observations WHERE device_id = $1', [dev.id])).map((r) => r.id);
  }

  /**
   * The heartbeats the cloud may have folded rather than stored: those whose slot has a stored row
   * with the same reading (count, units, fills, trusted) at or before the heartbeat's time, within the
   * keep window, and whose slot's latest reading is at least the heartbeat's time. A change is never here.
   */
  async covered(dev: Device, heartbeats: Observed[]): Promise<Set<string>> {
    const beats = heartbeats.filter((o) => o.reason === 'heartbeat');
    if (!beats.length) return new Set();
    const rows = await this.query<{ id: string }>(
      `SELECT h.id FROM unnest($2::uuid[], $3::text[], $4::text[], $5::timestamptz[], $6::int[], $7::numeric[], $8::jsonb[])
         AS h(id, camera_id, slot_id, at, count, units, fills)
       WHERE EXISTS (
         SELECT 1 FROM observations o WHERE o.device_id = $1 AND o.camera_id = h.camera_id AND o.slot_id = h.slot_id AND o.trusted
           AND o.count = h.count AND o.units = h.units::numeric(10, 3) AND o.fills = h.fills
           AND o.at <= h.at AND o.at > h.at - make_interval(secs => $9))
       AND EXISTS (
         SELECT 1 FROM slot_readings r WHERE r.device_id = $1 AND r.camera_id = h.camera_id AND r.slot_id = h.slot_id AND r.at >= h.at)`,
      [
        dev.id,
        beats.map((o) => o.id),
        beats.map((o) => o.cameraId),
        beats.map((o) => o.slotId),
        beats.map((o) => o.at),
        beats.map((o) => o.count),
        beats.map((o) => o.units),
        beats.map((o) => JSON.stringify(o.fills)),
        HEARTBEAT_KEEP_S,
      ],
    );
    return new Set(rows.map((r) => r.id));
  }
  /** The same reading (camera, slot, instant) stored under two ids would be a doubling that the id key cannot catch. */
  async sameReadingTwice(dev: Device): Promise<number> {
    const r = await this.query<{ n: string }>(
      `SELECT coalesce(sum(c - 1), 0) AS n FROM (SELECT count(*) AS c FROM observations WHERE device_id = $1
         GROUP BY camera_id, slot_id, at HAVING count(*) > 1) d`,
      [dev.id],
    );
    return Number(r[0]!.n);
  }

  async deadLetters(dev: Device): Promise<number> {
    const r = await this.query<{ n: string }>('SELECT count(*) AS n FROM dead_letters WHERE device_id = $1', [dev.id]);
    return Number(r[0]!.n);
  }

  async stop(): Promise<void> {
    await this.agent?.proc.stop('SIGKILL');
    await Promise.all(Object.values(this.clouds).map((c) => c.proc.stop('SIGTERM', 5000)));
    await this.broker?.stop();
    await this.camera.proc?.stop('SIGTERM', 3000);
    await this.db?.end().catch(() => undefined);
    this.pg?.destroy();
  }
}

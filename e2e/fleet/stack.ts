/**
 * One row's stack: a broker (a private Mosquitto with the production config, mutual TLS and the
 * ACL; or the cloud's embedded aedes) and one or two cloud processes (cloud/src/main.ts, as the
 * fault suite starts them) on the row's database, sharing the ingest subscription.
 */
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deviceCert, ensureCache, seedPki } from '../../cloud/test/support/pki.js';
import { startSelfHostedMosquitto } from '../src/mosquitto.js';
import { freePort } from '../src/ports.js';
import { startCloud, type Cloud } from '../faults/services.js';

export type BrokerKind = 'mosquitto' | 'aedes';

export interface RowStack {
  brokerUrl: string;
  protocolVersion: 4 | 5;
  clouds: Cloud[];
  /** the broker's own process, when it has one (aedes runs inside the cloud) */
  brokerPid: number | undefined;
  stop(): Promise<void>;
}

export async function startRowStack(broker: BrokerKind, clouds: number, dbUrl: string, run: string): Promise<RowStack> {
  const common = { dbUrl, run, group: 'cloud' };
  // info, not the suite's debug: a log line a batch would be part of what is measured
  const env = {
    LOG_LEVEL: process.env.FLEET_LOG_LEVEL ?? 'info',
    SMARTSTOCK_JWT_SECRET: `fleet-bench-secret-${run}-0123456789abcdef`,
    // FLEET_SQL_PROFILE=path: each cloud times its statements (sql-profile.mjs)
    ...(process.env.FLEET_SQL_PROFILE ? { NODE_OPTIONS: `--import ${new URL('./sql-profile.mjs', import.meta.url).href}` } : {}),
  };
  if (broker === 'aedes') {
    const dataDir = mkdtempSync(join(tmpdir(), 'ss-fleet-aedes-'));
    seedPki(dataDir);
    const port = await freePort();
    const cloud = await startCloud({
      ...common,
      name: 'a',
      env: { ...env, DATA_DIR: dataDir, BROKER_HOST: '127.0.0.1', BROKER_PORT: String(port) },
    });
    return {
      brokerUrl: `mqtts://127.0.0.1:${port}`,
      protocolVersion: 4,
      clouds: [cloud],
      brokerPid: undefined,
      stop: async () => void (await cloud.proc.stop('SIGTERM', 5000)),
    };
  }
  const pki = ensureCache();
  const certs = mkdtempSync(join(tmpdir(), 'ss-fleet-certs-'));
  copyFileSync(join(pki, 'ca.crt'), join(certs, 'ca.crt'));
  copyFileSync(join(pki, 'broker.crt'), join(certs, 'server.crt'));
  copyFileSync(join(pki, 'broker.key'), join(certs, 'server.key'));
  const mosq = await startSelfHostedMosquitto(certs);
  // the cloud's identity in docker/mosquitto/acl: CN smartstock-cloud, shared group "cloud"
  const me = deviceCert('smartstock-cloud');
  writeFileSync(join(certs, 'cloud.crt'), me.certPem);
  writeFileSync(join(certs, 'cloud.key'), me.keyPem);
  const tls = { MQTT_CA_FILE: join(certs, 'ca.crt'), MQTT_CERT_FILE: join(certs, 'cloud.crt'), MQTT_KEY_FILE: join(certs, 'cloud.key') };
  const started: Cloud[] = [];
  // one after the other: two first starts on one database race for pg-boss's queue setup
  for (let i = 0; i < clouds; i++)
    started.push(await startCloud({ ...common, name: 'ab'[i]!, mqttUrl: `mqtts://localhost:${mosq.cloudPort}`, env: { ...env, ...tls } }));
  return {
    brokerUrl: `mqtts://127.0.0.1:${mosq.port}`,
    protocolVersion: 5,
    clouds: started,
    brokerPid: mosq.pid,
    async stop() {
      await Promise.all(started.map((c) => c.proc.stop('SIGTERM', 5000)));
      mosq.stop();
    },
  };
}

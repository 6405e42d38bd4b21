import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { createCa, issueDeviceCertificate, issueServerCertificate, type CertificateAuthority } from '@smartstock/pki';
import { freePort, listening, waitFor } from './ports.js';

export const MOSQUITTO = spawnSync('sh', ['-c', 'command -v mosquitto']).stdout?.toString().trim() || '/usr/sbin/mosquitto';
export const hasMosquitto = spawnSync('sh', ['-c', `test -x ${MOSQUITTO}`]).status === 0;

/**
 * A Mosquitto of a test's own on `port` (args: `-p PORT` or `-c CONF`), once it accepts connections;
 * a broker that exits first (bad config, port taken) fails with its output.
 */
export async function spawnMosquitto(port: number, args: string[]): Promise<{ broker: ChildProcess; log: () => string }> {
  const broker = spawn(MOSQUITTO, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  broker.stdout!.on('data', (d) => (log += d));
  broker.stderr!.on('data', (d) => (log += d));
  await waitFor(
    async () => {
      if (broker.exitCode !== null) throw new Error(`mosquitto exited (${broker.exitCode}): ${log}`);
      return listening(port);
    },
    15_000,
    'mosquitto to listen',
  );
  return { broker, log: () => log };
}

export interface SelfHostedBroker {
  /** the devices' listener (8883 in the container): a client id is always the certificate's CN */
  port: number;
  /** the cloud instances' listener (8884 in the container): each keeps the client id it sends */
  cloudPort: number;
  /** the broker's process id (for /proc figures) */
  pid: number;
  log: () => string;
  stop: () => void;
}

/**
 * docker/mosquitto/mosquitto.conf run for real outside Docker: only the container paths and
 * the port are rewritten. `certsDir` holds ca.crt, server.crt and server.key as the compose
 * file's `pki` step writes them; they and the ACL are copied to a throwaway folder that Mosquitto
 * can read after it drops from root to its own user (a clone in a private home folder is not).
 */
export async function startSelfHostedMosquitto(certsDir: string): Promise<SelfHostedBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'mosq-'));
  const certs = join(dir, 'certs');
  mkdirSync(certs);
  for (const f of ['ca.crt', 'server.crt', 'server.key']) {
    copyFileSync(join(certsDir, f), join(certs, f));
    chmodSync(join(certs, f), 0o644);
  }
  const acl = join(dir, 'acl');
  copyFileSync(new URL('../../docker/mosquitto/acl', import.meta.url), acl);
  chmodSync(acl, 0o644);
  for (const d of [dir, certs]) chmodSync(d, 0o755);
  const port = await freePort();
  let cloudPort = await freePort();
  while (cloudPort === port) cloudPort = await freePort();
  const conf = readFileSync(new URL('../../docker/mosquitto/mosquitto.conf', import.meta.url), 'utf8')
    .replaceAll('/mosquitto/certs/', `${certs}/`)
    .replace('/mosquitto/config/acl', acl)
    .replace('persistence true', 'persistence false')
    .replace(/^persistence_location .*$/m, '')
    .replace('listener 8883', `listener ${port} 127.0.0.1`)
    .replace('listener 8884', `listener ${cloudPort} 127.0.0.1`);
  writeFileSync(join(dir, 'mosquitto.conf'), conf);
  const { broker, log } = await spawnMosquitto(port, ['-c', join(dir, 'mosquitto.conf')]);
  return { port, cloudPort, pid: broker.pid!, log, stop: () => void broker.kill('SIGTERM') };
}

export interface TestCaBroker extends SelfHostedBroker {
  ca: CertificateAuthority;
  /**
   * A client with a certificate for `cn` from this broker's CA, as a device (or the cloud) connects:
   * by default on the devices' listener with client id `cn`; `listener: 'cloud'` is the cloud instances' one.
   */
  connect: (
    cn: string,
    protocolVersion?: 4 | 5,
    o?: { clientId?: string; clean?: boolean; listener?: 'devices' | 'cloud' },
  ) => Promise<MqttClient>;
  /** Ends the clients connect() opened since the last call. */
  endClients: () => Promise<void>;
}

/** startSelfHostedMosquitto with a CA of the test's own that signs the broker's and each client's certificate. */
export async function startMosquittoWithTestCa(): Promise<TestCaBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'mosq-ca-'));
  const certs = join(dir, 'certs');
  mkdirSync(certs);
  const ca = createCa(join(dir, 'ca'));
  const server = issueServerCertificate(ca, ['localhost', '127.0.0.1']);
  writeFileSync(join(certs, 'ca.crt'), ca.certPem);
  writeFileSync(join(certs, 'server.crt'), server.certPem);
  writeFileSync(join(certs, 'server.key'), server.keyPem);
  const broker = await startSelfHostedMosquitto(certs);
  const clients: MqttClient[] = [];
  const connect: TestCaBroker['connect'] = async (cn, protocolVersion = 5, o = {}) => {
    const cert = issueDeviceCertificate(ca, cn);
    const clean = o.clean ?? true;
    const c = await mqtt.connectAsync(`mqtts://127.0.0.1:${o.listener === 'cloud' ? broker.cloudPort : broker.port}`, {
      clientId: o.clientId ?? cn,
      protocolVersion,
      clean,
      // a persistent session outlives its connection (MQTT 5: only with an expiry)
      ...(!clean && protocolVersion === 5 ? { properties: { sessionExpiryInterval: 3600 } } : {}),
      ca: ca.certPem,
      cert: cert.certPem,
      key: cert.keyPem,
      servername: 'localhost',
      reconnectPeriod: 0,
    });
    clients.push(c);
    return c;
  };
  const endClients = async () => void (await Promise.all(clients.splice(0).map((c) => c.endAsync(true))));
  return { ...broker, ca, connect, endClients };
}

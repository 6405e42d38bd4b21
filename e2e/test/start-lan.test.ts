/**
 * `npm start -- --host 0.0.0.0`, the way a technician opens the stack to an edge box on the bar's network:
 * the banner's provisioning command makes a bundle whose broker URL names this machine's network address,
 * and a device with that bundle connects over real TLS with the hostname check on. A name given with
 * --broker-name works too. (No second machine here: the address is this machine's own non-internal one.)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { networkName } from '@smartstock/runtime';
import { readBundle } from '@smartstock/provisioning';
import { freePort, waitFor } from '../src/ports.js';
import { cli } from '../../provisioning/test/helpers/cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ADDED_NAME = 'backbar-pc.lan';

describe('npm start opened to the network (--host 0.0.0.0 --broker-name)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'start-lan-'));
  const out = { stdout: '', stderr: '' };
  let child: ReturnType<typeof spawn>;
  let exited: Promise<number | null>;

  beforeAll(async () => {
    const args = ['--no-demo', '--host', '0.0.0.0', '--port', String(await freePort()), '--broker-port', String(await freePort())];
    child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', ...args, '--broker-name', ADDED_NAME], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: join(tmp, 'data'), LOG_LEVEL: 'info', HOST: '', BROKER_HOST: '', BROKER_HOSTNAMES: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (out.stdout += d));
    child.stderr!.on('data', (d) => (out.stderr += d));
    exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor(() => out.stdout.includes('Press Ctrl-C to stop.') || child.exitCode !== null, 150_000, 'the start banner');
    expect(child.exitCode, out.stderr).toBeNull();
  }, 180_000);
  afterAll(async () => {
    child?.kill('SIGINT');
    await exited;
  });

  /** The flag's value in the banner's provisioning command. */
  const flag = (name: string) => new RegExp(`${name} (\\S+)`).exec(out.stdout)?.[1] ?? '';
  /** A device with the bundle's URL, certificate, key and CA, as the edge agent connects. */
  const connectWith = async (bundle: Awaited<ReturnType<typeof readBundle>>, over: mqtt.IClientOptions = {}) => {
    const device = await mqtt.connectAsync(bundle.mqttUrl, {
      clientId: bundle.deviceId,
      cert: bundle.certPem,
      key: bundle.keyPem,
      ca: bundle.caPem,
      rejectUnauthorized: true,
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      ...over,
    });
    await device.endAsync();
    return 'connected';
  };

  it("provisions a device told the machine's network address, which connects with the TLS hostname check on", async () => {
    const brokerUrl = flag('--mqtt-url');
    expect(new URL(brokerUrl).hostname).toBe(networkName());
    const made = await cli(
      'device',
      'create',
      '--local',
      '--ca-dir',
      flag('--ca-dir'),
      '--mqtt-url',
      brokerUrl,
      '--venue',
      'a1b2c3d4-0000-4000-8000-000000000001',
      '--name',
      'Back bar',
      '--id',
      'lan-edge',
      '--out',
      join(tmp, 'bundle'),
    );
    expect(made.code, made.stdout + made.stderr).toBe(0);
    const bundle = await readBundle(join(tmp, 'bundle'));
    expect(bundle.mqttUrl).toBe(brokerUrl);
    expect(await connectWith(bundle)).toBe('connected');
    // the name a technician added, reached through loopback with the device checking that name
    const port = new URL(brokerUrl).port;
    expect(await connectWith({ ...bundle, mqttUrl: `mqtts://127.0.0.1:${port}` }, { servername: ADDED_NAME })).toBe('connected');
    const refused = await connectWith({ ...bundle, mqttUrl: `mqtts://127.0.0.1:${port}` }, { servername: 'elsewhere.lan' }).catch(
      (e: NodeJS.ErrnoException) => e.code,
    );
    expect(refused).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  }, 60_000);
});

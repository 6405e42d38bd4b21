/**
 * The self-hosted stack of docker/compose.yaml, run outside Docker (our machines have no
 * engine): the `pki` service's own command line makes the CA, certificates and demo bundle;
 * Mosquitto runs docker/mosquitto's config; two cloud instances start from cloud.Dockerfile's
 * entry point with the compose environment; the edge agent starts from its image's entry point
 * and command with the bundle. Only container paths, host names and ports are rewritten, so a
 * wrong flag, a missing variable or a broken entry point fails here before anyone builds an image.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interpolate, readCompose, readDockerfile } from '../src/compose.js';
import { hasMosquitto, startSelfHostedMosquitto, type SelfHostedBroker } from '../src/mosquitto.js';
import { freePort, waitFor } from '../src/ports.js';
import { startProc, type Proc } from '../src/procs.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const run = randomBytes(4).toString('hex');
const dbName = `ss_compose_${run}`;
const OWNER = { email: `owner-${run}@bar.example`, password: `compose-owner-${run}-pass` };

describe.runIf(hasMosquitto)('docker/compose.yaml outside Docker', () => {
  const compose = readCompose();
  const tmp = mkdtempSync(join(tmpdir(), 'compose-'));
  const paths = { '/pki': join(tmp, 'pki'), '/certs': join(tmp, 'certs'), '/bundle': join(tmp, 'bundle') };
  const procs: Proc[] = [];
  let broker: SelfHostedBroker | undefined;
  let admin: pg.Client;
  const clouds: string[] = [];

  const container = (s: string) =>
    Object.entries(paths).reduce((acc, [from, to]) => acc.replaceAll(`${from}/`, `${to}/`).replaceAll(` ${from} `, ` ${to} `), s);
  const start = (name: string, argv: string[], env: Record<string, string>): Proc => {
    const p = startProc(name, argv[0] === 'node' ? process.execPath : argv[0]!, argv.slice(1), {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    procs.push(p);
    return p;
  };
  // a refused connection says little; the processes' logs say why
  const call = (url: string, init?: RequestInit) =>
    fetch(url, init).catch((e: unknown) => {
      throw new Error(`${url}: ${String(e)}\n${logs()}`);
    });
  const logs = () => procs.map((p) => `--- ${p.name} (exit ${p.child.exitCode})\n${p.tail(30)}`).join('\n');

  beforeAll(async () => {
    // the pki service: its command line, minus the chowns that hand files to container users
    const pki = compose.services.pki!;
    const script = container(pki.command!.join(' ') + ' ').replace(/&&\s*chown[^&]*/g, '');
    const r = spawnSync('sh', ['-c', script], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`the pki service's command failed (${r.status}):\n${r.stdout}\n${r.stderr}`);

    broker = await startSelfHostedMosquitto(paths['/certs']);
    admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    const dbUrl = new URL(DATABASE_URL);
    dbUrl.pathname = `/${dbName}`;

    const image = readDockerfile('cloud.Dockerfile');
    const secret = `compose-${run}-${randomBytes(16).toString('hex')}`;
    for (const name of ['cloud-1', 'cloud-2']) {
      const env: Record<string, string> = { ...image.env };
      for (const [k, v] of Object.entries(compose.services[name]!.environment ?? {}))
        env[k] = container(
          interpolate(String(v), {
            SMARTSTOCK_JWT_SECRET: secret,
            SMARTSTOCK_OWNER_EMAIL: OWNER.email,
            SMARTSTOCK_OWNER_PASSWORD: OWNER.password,
          }),
        );
      const port = await freePort();
      Object.assign(env, {
        DATABASE_URL: dbUrl.toString(),
        MQTT_URL: env.MQTT_URL!.replace('mosquitto:8884', `localhost:${broker.cloudPort}`),
        HOST: '127.0.0.1',
        PORT: String(port),
        DATA_DIR: mkdtempSync(join(tmp, `${name}-`)),
      });
      start(name, image.entrypoint, env);
      clouds.push(`http://127.0.0.1:${port}`);
    }
    for (const url of clouds)
      await waitFor(
        async () => (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) }).catch(() => null))?.ok ?? false,
        90_000,
        `${url}/healthz\n${logs()}`,
      );
  }, 180_000);

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop('SIGTERM', 1500)));
    broker?.stop();
    if (admin) {
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
    }
  });

  it('refuses to run two cloud instances without a shared JWT secret', () => {
    expect(() => interpolate(String(compose.services['cloud-1']!.environment!.SMARTSTOCK_JWT_SECRET), {})).toThrow(/SMARTSTOCK_JWT_SECRET/);
  });

  it('serves one session from both cloud instances, and the demo agent comes online through Mosquitto', async () => {
    const login = await call(`${clouds[0]}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(OWNER),
    });
    expect(login.status, await login.clone().text()).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const api = (i: number, path: string, init: RequestInit = {}) =>
      call(`${clouds[i]}/api/v1${path}`, {
        ...init,
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', ...init.headers },
      });

    // a token issued by cloud-1 works on cloud-2: a load balancer may send the next request anywhere
    const venue = await api(1, '/venues', { method: 'POST', body: JSON.stringify({ name: 'Compose bar' }) });
    expect(venue.status, await venue.clone().text()).toBe(201);
    const { id: venueId } = (await venue.json()) as { id: string };
    const device = await api(0, '/devices', { method: 'POST', body: JSON.stringify({ id: 'demo-edge-1', venueId, name: 'Demo edge' }) });
    expect(device.status, await device.clone().text()).toBe(201);

    const agentImage = readDockerfile('edge-agent.Dockerfile');
    start('edge-agent', [...agentImage.entrypoint, ...agentImage.cmd.map((a) => a.replace('/etc/smartstock/', `${paths['/bundle']}/`))], {
      ...agentImage.env,
      SMARTSTOCK_MQTT_URL: `mqtts://localhost:${broker!.port}`, // the bundle says mosquitto:8883, a name only Docker's network has
      SMARTSTOCK_DATA_DIR: mkdtempSync(join(tmp, 'agent-')),
    });
    await waitFor(
      async () => {
        const r = await api(1, '/devices/demo-edge-1');
        return r.ok && ((await r.json()) as { online?: boolean }).online === true;
      },
      60_000,
      `demo-edge-1 online\n${logs()}`,
    );
  }, 120_000);
});

import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCa } from '@smartstock/pki';
import { readBundle } from '@smartstock/provisioning';
import type { RunningCloud } from '@smartstock/cloud';
import { startTestCloud } from './support/cloud.js';
import { checkClock } from '../../provisioning/src/verify/checks.js';
import mqtt from 'mqtt';
import { TOPICS } from '@smartstock/protocol';
import { makeBatch } from '@smartstock/protocol/testing';
import { freePort } from '../src/ports.js';
import { cli } from '../../provisioning/test/helpers/cli.js';

/**
 * The provisioning CLI's verify against the real cloud: its embedded aedes
 * broker (TLS, the local CA, CN = identity) and its HTTP API. Here in e2e/
 * because it needs both; provisioning itself does not depend on the cloud.
 */
const OWNER = { email: 'owner@verify.test', password: 'correct horse battery staple' };

describe('verify', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'prov-verify-'));
  let cloud: RunningCloud;
  let venueId = '';
  const bundle = join(tmp, 'anchor-edge-1');
  const cloudFlags = () => ['--cloud-url', cloud.url, '--email', OWNER.email, '--password', OWNER.password];

  beforeAll(async () => {
    cloud = await startTestCloud(tmp, { ...OWNER, organisation: 'Verify Bars' });
    venueId = (await cloud.seedDemo()).venueId;
    const r = await cli(
      'device',
      'create',
      '--local',
      '--ca-dir',
      cloud.pkiDir!,
      '--mqtt-url',
      cloud.brokerUrl,
      '--venue',
      venueId,
      '--name',
      'Main bar',
      '--id',
      'anchor-edge-1',
      '--out',
      bundle,
      '--json',
      ...cloudFlags(),
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.json.cloud).toBe('registered');
  }, 120_000);
  afterAll(() => cloud?.stop());

  it('passes every step and sees the status arrive in the cloud', async () => {
    const r = await cli('verify', bundle, '--json', ...cloudFlags());
    expect(r.code, r.stdout).toBe(0);
    expect(r.json.steps.map((s: any) => [s.step, s.ok])).toEqual([
      ['bundle', true],
      ['clock', true],
      ['endpoint', true],
      ['tls', true],
      ['connect', true],
      ['publish', true],
      ['cloud', true],
    ]);
  });

  it("the cloud's broker accepts the bundle on its own topics only", async () => {
    const b = await readBundle(bundle);
    const client = mqtt.connect(b.mqttUrl, { clientId: b.deviceId, key: b.keyPem, cert: b.certPem, ca: b.caPem, reconnectPeriod: 0 });
    await new Promise<void>((resolve, reject) => (client.once('connect', () => resolve()), client.once('error', reject)));
    await client.publishAsync(TOPICS.obs(b.deviceId), JSON.stringify(makeBatch({ deviceId: b.deviceId, observations: [] })), { qos: 1 });
    const closed = new Promise<void>((r) => client.once('close', () => r()));
    client.publish(TOPICS.obs('someone-else'), '{}', { qos: 1 });
    await closed; // the broker drops a device that publishes outside its subtree
    client.end(true);
  });

  it('a wrong endpoint fails at the endpoint step with the fix', async () => {
    const wrong = join(tmp, 'wrong-port');
    cpSync(bundle, wrong, { recursive: true });
    const yaml = readFileSync(join(wrong, 'agent.yaml'), 'utf8');
    writeFileSync(join(wrong, 'agent.yaml'), yaml.replace(/:\d+\n/, `:${await freePort()}\n`));
    const r = await cli('verify', wrong, '--json');
    expect(r.code).toBe(1);
    expect(r.json.steps.at(-1)).toMatchObject({ step: 'endpoint', ok: false, fix: expect.stringMatching(/mqtt\.url/) });
  });

  it('a certificate from another CA is refused at connect', async () => {
    const foreign = join(tmp, 'foreign');
    const otherCa = join(tmp, 'other-pki');
    createCa(otherCa);
    const r0 = await cli(
      'device',
      'create',
      '--local',
      '--ca-dir',
      otherCa,
      '--mqtt-url',
      cloud.brokerUrl,
      '--venue',
      venueId,
      '--name',
      'x',
      '--id',
      'anchor-edge-1',
      '--out',
      foreign,
    );
    expect(r0.code).toBe(0);
    // keep the cloud's CA so the broker itself is trusted: only the device certificate is foreign
    cpSync(join(bundle, 'ca.crt'), join(foreign, 'ca.crt'));
    const r = await cli('verify', foreign, '--json', '--timeout', '10');
    expect(r.code).toBe(1);
    expect(r.json.steps.at(-1)).toMatchObject({ step: 'connect', ok: false, fix: expect.stringMatching(/inactive or revoked/) });
  });

  it('a revoked device is refused at connect', async () => {
    const rev = await cli('device', 'revoke', '--local', '--id', 'anchor-edge-1', '--json', ...cloudFlags());
    expect(rev.code, rev.stdout + rev.stderr).toBe(0);
    expect(rev.json).toMatchObject({ cloud: 'revoked' });
    const r = await cli('verify', bundle, '--json', '--timeout', '10');
    expect(r.code).toBe(1);
    expect(r.json.steps.find((s: any) => !s.ok)).toMatchObject({ step: 'connect', fix: expect.stringMatching(/revoked/) });
  });

  it('names clock skew when the computer is behind the certificate', async () => {
    const b = await readBundle(bundle);
    const step = checkClock(b, new Date(Date.now() - 2 * 86_400_000));
    expect(step).toMatchObject({ step: 'clock', ok: false, fix: expect.stringMatching(/set-ntp/) });
    expect(checkClock(b, new Date()).ok).toBe(true);
  });
});

import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateThingCommand,
  DescribeCertificateCommand,
  DescribeThingCommand,
  GetPolicyCommand,
  IoTClient,
  ListAttachedPoliciesCommand,
  ListCertificatesCommand,
  ListThingPrincipalsCommand,
} from '@aws-sdk/client-iot';
import { AMAZON_ROOT_CA1, readBundle } from '../../src/bundle/index.js';
import { arnPrefixOf, devicePolicyDocument } from '../../src/aws/policy.js';
import { fingerprintOf } from '@smartstock/pki';
import { startMoto, type Moto } from '../../../e2e/src/moto.js';
import { startStandInCloud, TECHNICIAN, type StandInCloud } from '../helpers/stand-in-cloud.js';
import { cli } from '../helpers/cli.js';
import { deviceIdFrom } from '../../src/devices/device-id.js';

// default ids are derived under a key of the machine's: this file's own, so the id is known here
process.env.SMARTSTOCK_DEVICE_ID_KEY = join(mkdtempSync(join(tmpdir(), 'prov-aws-key-')), 'device-id.key');
const MAIN_BAR = deviceIdFrom('rooftop', 'Main bar');

/** The AWS IoT path against moto, with a stand-in cloud for registration. */
describe('devices on AWS IoT (moto)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'prov-aws-'));
  let moto: Moto;
  let cloud: StandInCloud;
  let iot: IoTClient;
  const aws = () => ['--aws-endpoint', moto.url, '--region', 'eu-west-1', '--json'];
  const cloudFlags = () => ['--cloud-url', cloud.url, '--email', TECHNICIAN.email, '--password', TECHNICIAN.password];
  /** device create with a given id, its bundle at tmp/<id>: the attempts below differ only in these and the flags after. */
  const createWithId = (venue: string, name: string, id: string, ...more: string[]) =>
    cli('device', 'create', '--venue', venue, '--name', name, '--id', id, '--out', join(tmp, id), ...aws(), ...more);

  beforeAll(async () => {
    [moto, cloud] = await Promise.all([startMoto(), startStandInCloud()]);
    iot = new IoTClient({ region: 'eu-west-1', endpoint: moto.url });
  });
  afterAll(async () => {
    await Promise.all([moto?.stop(), cloud?.close()]);
  });

  let firstCert = '';

  it('device create: thing, active certificate, per-thing policy, ATS endpoint, bundle, cloud registration', async () => {
    const out = join(tmp, 'rooftop.tgz');
    const r = await cli('device', 'create', '--venue', 'rooftop', '--name', 'Main bar', '--out', out, ...aws(), ...cloudFlags());
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const id = MAIN_BAR;
    expect(r.json).toMatchObject({
      id,
      backend: 'aws',
      cloud: 'registered',
      mqttUrl: expect.stringMatching(/^mqtts:\/\/.+-ats\.iot\.eu-west-1\.amazonaws\.com:8883$/),
    });
    firstCert = r.json.certificateId;
    expect(statSync(out).mode & 0o777).toBe(0o600);

    const b = await readBundle(out);
    expect(b.deviceId).toBe(id);
    expect(b.caPem).toBe(AMAZON_ROOT_CA1);
    expect(b.keyPem).toMatch(/PRIVATE KEY/);
    expect(r.stdout).not.toContain('PRIVATE KEY');
    expect(statSync(join(b.dir, 'device.key')).mode & 0o777).toBe(0o600);

    const thing = await iot.send(new DescribeThingCommand({ thingName: id }));
    expect(thing.attributes).toMatchObject({ smartstock: 'v1', venue: 'rooftop' });
    const cert = await iot.send(new DescribeCertificateCommand({ certificateId: firstCert }));
    expect(cert.certificateDescription?.status).toBe('ACTIVE');
    const arn = cert.certificateDescription!.certificateArn!;
    const policies = await iot.send(new ListAttachedPoliciesCommand({ target: arn }));
    expect(policies.policies?.map((p) => p.policyName)).toEqual([`smartstock-device-${id}`]);
    const policy = await iot.send(new GetPolicyCommand({ policyName: `smartstock-device-${id}` }));
    expect(JSON.parse(policy.policyDocument!)).toEqual(devicePolicyDocument(arnPrefixOf(arn), id));

    expect(cloud.devices.get(id)).toMatchObject({ venueId: 'rooftop', name: 'Main bar', certFingerprint: fingerprintOf(b.certPem) });
  });

  it('a second create of the same device changes nothing and says what to do', async () => {
    const r = await cli('device', 'create', '--venue', 'rooftop', '--name', 'Main bar', '--out', join(tmp, 'again'), ...aws());
    expect(r.code).toBe(1);
    expect(r.json.error).toMatch(/already exists \(AWS IoT thing with a certificate\)/);
  });

  it('resumes a device whose earlier run stopped after creating the thing', async () => {
    await iot.send(new CreateThingCommand({ thingName: 'half-made' }));
    const r = await createWithId('cellar', 'x', 'half-made');
    expect(r.code, r.stdout).toBe(0);
    expect(r.json.certificateId).toMatch(/\w+/);
  });

  it('a registration the cloud refuses takes back the certificate, policy and thing this attempt made on AWS', async () => {
    const certificates = async () => (await iot.send(new ListCertificatesCommand({}))).certificates ?? [];
    const before = (await certificates()).map((c) => c.certificateId);
    cloud.venues.add('rooftop'); // the stand-in now refuses other venues, as the cloud does
    try {
      const refused = await createWithId('nowhere', 'Snug', 'snug', ...cloudFlags());
      // a wrong --venue is a usage error (2), and what the attempt made on AWS is taken back before it says so
      expect(refused.code, refused.stdout + refused.stderr).toBe(2);
      expect(refused.json.error).not.toMatch(/cleaning up/);
      expect((await certificates()).map((c) => c.certificateId)).toEqual(before);
      await expect(iot.send(new DescribeThingCommand({ thingName: 'snug' }))).rejects.toThrow(/snug|not found|does not exist/i);
      await expect(iot.send(new GetPolicyCommand({ policyName: 'smartstock-device-snug' }))).rejects.toThrow();

      // a thing that was there before the attempt stays, without the attempt's certificate
      await iot.send(new CreateThingCommand({ thingName: 'snug-kept' }));
      const again = await createWithId('nowhere', 'x', 'snug-kept', ...cloudFlags());
      expect(again.code).toBe(2);
      expect((await iot.send(new ListThingPrincipalsCommand({ thingName: 'snug-kept' }))).principals).toEqual([]);
      expect((await certificates()).map((c) => c.certificateId)).toEqual(before);

      // so a re-run with the right venue starts clean instead of stopping at "already exists"
      const fixed = await createWithId('rooftop', 'Snug', 'snug', ...cloudFlags());
      expect(fixed.code, fixed.stdout + fixed.stderr).toBe(0);
      expect((await iot.send(new ListThingPrincipalsCommand({ thingName: 'snug' }))).principals).toHaveLength(1);
    } finally {
      cloud.venues.clear();
    }
  });

  it('a wrong cloud password fails with a clear message and prints no secret', async () => {
    const r = await cli(
      'device',
      'create',
      '--venue',
      'rooftop',
      '--name',
      'Cellar',
      '--out',
      join(tmp, 'cellar'),
      ...aws(),
      '--cloud-url',
      cloud.url,
      '--email',
      TECHNICIAN.email,
      '--password',
      'wrong-secret-pw',
    );
    expect(r.code).toBe(1);
    expect(r.json.error).toMatch(/cloud login refused \(HTTP 401\)/);
    expect(r.stdout + r.stderr).not.toContain('wrong-secret-pw');
    expect(existsSync(join(tmp, 'cellar'))).toBe(false); // the cloud is asked first: nothing was created
  });

  it('fleet import creates things from a CSV and a re-run skips them', async () => {
    const csv = join(tmp, 'fleet.csv');
    writeFileSync(csv, 'id,venue,name\nfleet-1,harbour,Main\nfleet-2,harbour,Terrace\n');
    const run = () => cli('fleet', 'import', csv, '--out-dir', join(tmp, 'fleet'), '--tar', ...aws());
    const first = await run();
    expect(first.code, first.stdout).toBe(0);
    expect(first.json.summary).toEqual({ created: 2, skipped: 0, failed: 0, badRows: 0 });
    rmSync(join(tmp, 'fleet'), { recursive: true }); // even without the bundles, the things say they exist
    const again = await run();
    expect(again.json.summary).toEqual({ created: 0, skipped: 2, failed: 0, badRows: 0 });
    expect(again.json.devices[0].detail).toMatch(/AWS IoT thing with a certificate/);
  });

  it('device list shows our things and their certificates', async () => {
    const r = await cli('device', 'list', ...aws());
    expect(r.code, r.stderr).toBe(0);
    const mine = r.json.devices.find((d: any) => d.id === MAIN_BAR);
    expect(mine).toEqual({ id: MAIN_BAR, venue: 'rooftop', certificates: [{ certificateId: firstCert, status: 'ACTIVE' }] });
  });

  it('rotate-cert adds a new certificate first, then retires the old one', async () => {
    const step1 = await cli('device', 'rotate-cert', '--id', MAIN_BAR, '--out', join(tmp, 'rotated'), ...aws());
    expect(step1.code, step1.stdout + step1.stderr).toBe(0);
    const newCert: string = step1.json.certificateId;
    expect(step1.json.stillActive).toEqual([firstCert]);
    expect(readFileSync(join(tmp, 'rotated', 'device.crt'), 'utf8')).toMatch(/BEGIN CERTIFICATE/);
    const both = await cli('device', 'list', ...aws());
    expect(both.json.devices.find((d: any) => d.id === MAIN_BAR).certificates.map((c: any) => c.status)).toEqual(['ACTIVE', 'ACTIVE']);

    const noKeep = await cli('device', 'rotate-cert', '--id', MAIN_BAR, '--retire-old', ...aws());
    expect(noKeep.code).toBe(2);

    const step2 = await cli('device', 'rotate-cert', '--id', MAIN_BAR, '--retire-old', '--keep', newCert, ...aws());
    expect(step2.code, step2.stdout).toBe(0);
    expect(step2.json.retired).toEqual([firstCert]);
    const old = await iot.send(new DescribeCertificateCommand({ certificateId: firstCert }));
    expect(old.certificateDescription?.status).toBe('INACTIVE');
    const after = await cli('device', 'list', ...aws());
    expect(after.json.devices.find((d: any) => d.id === MAIN_BAR).certificates).toEqual([{ certificateId: newCert, status: 'ACTIVE' }]);
  });

  it('revoke deactivates every certificate and marks the device revoked in the cloud', async () => {
    const before = await cli('device', 'list', ...aws());
    const certId: string = before.json.devices.find((d: any) => d.id === MAIN_BAR).certificates[0].certificateId;
    const r = await cli('device', 'revoke', '--id', MAIN_BAR, ...aws(), ...cloudFlags());
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.json).toMatchObject({ deactivated: [certId], cloud: 'revoked' });
    const cert = await iot.send(new DescribeCertificateCommand({ certificateId: certId }));
    expect(cert.certificateDescription?.status).toBe('INACTIVE');
    expect(cloud.devices.get(MAIN_BAR)?.revoked).toBe(true);

    const unknown = await cli('device', 'revoke', '--id', 'no-such-thing', ...aws());
    expect(unknown.code).toBe(1);
    expect(unknown.json.fix).toMatch(/device list/);
  });
});

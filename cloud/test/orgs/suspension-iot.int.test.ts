/**
 * Production on AWS IoT Core, through moto (python3 -m moto.server): a suspension sets the
 * organisation's device certificates INACTIVE, a resume ACTIVE. In the integration suite, since a
 * machine with only Node has no moto.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AttachThingPrincipalCommand,
  CreateKeysAndCertificateCommand,
  CreateThingCommand,
  DescribeCertificateCommand,
  IoTClient,
} from '@aws-sdk/client-iot';
import { startMoto, type Moto } from '../../../e2e/src/moto.js';
import { build, type TestCloud } from '../support/cloud.js';

const OPERATOR = 'ops@smartstock.test';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

describe('suspension on AWS IoT (moto)', () => {
  let moto: Moto;
  let t: TestCloud;
  let iot: IoTClient;
  let op: string;

  beforeAll(async () => {
    moto = await startMoto();
    iot = new IoTClient({ region: 'eu-west-1', endpoint: moto.url });
    t = await build({
      orgs: { operators: [OPERATOR] },
      broker: { embedded: { host: '127.0.0.1', port: 0 }, awsIot: { region: 'eu-west-1', endpoint: moto.url } },
    });
    const s = await t.api('POST', '/api/v1/signup', {
      body: { organisation: 'SmartStock Ops', name: 'Op', email: OPERATOR, password: 'a long signup password' },
    });
    op = s.body.accessToken as string;
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    iot?.destroy();
    await moto?.stop();
  });

  /** A thing with an active certificate, registered in the cloud under org's venue. */
  const thing = async (name: string, token: string, venueId: string) => {
    await iot.send(new CreateThingCommand({ thingName: name }));
    const c = await iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
    await iot.send(new AttachThingPrincipalCommand({ thingName: name, principal: c.certificateArn! }));
    expect((await t.api('POST', '/api/v1/devices', { token, body: { id: name, venueId, name } })).status).toBe(201);
    return c.certificateId!;
  };
  const status = async (certificateId: string) =>
    (await iot.send(new DescribeCertificateCommand({ certificateId }))).certificateDescription?.status;
  const set = async (orgId: string, reason: string | null) =>
    expect(
      (
        await t.api('POST', `/api/v1/operator/organisations/${orgId}/${reason === null ? 'resume' : 'suspend'}`, {
          token: op,
          ...(reason === null ? {} : { body: { reason } }),
        })
      ).status,
    ).toBe(200);

  it(
    "switches the organisation's certificates off and on, and no one else's; a revoked device's are left as revocation left them",
    { timeout: 60_000 },
    async () => {
      const main = await thing('iot-main-bar', t.ownerToken, t.demo.venueId);
      const revoked = await thing('iot-old-bar', t.ownerToken, t.demo.venueId);
      const other = await t.otherOrg();
      const theirs = await thing('iot-their-bar', other.token, other.demo.venueId);
      expect((await t.api('POST', '/api/v1/devices/iot-old-bar/revoke', { token: t.ownerToken })).status).toBe(200);
      // what smartstock-provision device revoke does on AWS: the certificate off (and detached, here left attached on purpose)
      await set(t.demo.orgId, 'unpaid');
      expect(await status(main)).toBe('INACTIVE');
      expect(await status(revoked)).toBe('ACTIVE'); // revocation is provisioning's business: a suspension leaves it as it was
      expect(await status(theirs)).toBe('ACTIVE');

      await set(t.demo.orgId, null);
      expect(await status(main)).toBe('ACTIVE');
      expect(await status(theirs)).toBe('ACTIVE');
    },
  );

  it('a device registered in the cloud but with no thing in this account does not stop the suspension', { timeout: 30_000 }, async () => {
    expect(
      (await t.api('POST', '/api/v1/devices', { token: t.ownerToken, body: { id: 'no-thing', venueId: t.demo.venueId, name: 'x' } }))
        .status,
    ).toBe(201);
    const main = await thing('iot-cellar', t.ownerToken, t.demo.venueId);
    await set(t.demo.orgId, 'unpaid');
    expect(await status(main)).toBe('INACTIVE');
    await set(t.demo.orgId, null);
    expect(await status(main)).toBe('ACTIVE');
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateKeysAndCertificateCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateThingCommand,
  GetPolicyCommand,
  IoTClient,
  ListPolicyVersionsCommand,
} from '@aws-sdk/client-iot';
import { arnPrefixOf, devicePolicyDocument, type PolicyDocument } from '../../src/aws/policy.js';
import { startMoto, type Moto } from '../../../e2e/src/moto.js';
import { cli } from '../helpers/cli.js';
import { oldDevicePolicyDocument } from '../helpers/old-device-policy.js';
import { startDenyingProxy, type DenyingProxy } from '../helpers/denying-proxy.js';

/**
 * `device update-policy` against moto: things provisioned before a67c58e carry the old document
 * (no iot:RetainPublish), and `device create` kept it; the command gives them the current one.
 */
describe('device update-policy (moto)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'prov-policy-'));
  let moto: Moto;
  let denying: DenyingProxy;
  let iot: IoTClient;
  let arnPrefix = '';
  const OLD = ['bar-a', 'bar-b', 'bar-denied', 'bar-five'];
  const ALL = [...OLD, 'bar-current'];
  const FOREIGN = 'ops-dashboard-policy';
  const aws = (url = moto.url) => ['--aws-endpoint', url, '--region', 'eu-west-1', '--json'];
  const update = (...more: string[]) => cli('device', 'update-policy', ...aws(), ...more);
  const policyName = (id: string) => `smartstock-device-${id}`;
  const documentOf = async (name: string) => {
    const policy = await iot.send(new GetPolicyCommand({ policyName: name }));
    return { document: JSON.parse(policy.policyDocument!) as PolicyDocument, defaultVersionId: policy.defaultVersionId };
  };
  const versionsOf = async (name: string) =>
    ((await iot.send(new ListPolicyVersionsCommand({ policyName: name }))).policyVersions ?? [])
      .map((version) => ({ id: Number(version.versionId), isDefault: Boolean(version.isDefaultVersion) }))
      .sort((a, b) => a.id - b.id);
  /** Every policy's default document and versions: what a run that changes nothing leaves as it was. */
  const account = async () => {
    const state: Record<string, unknown> = {};
    for (const name of [...ALL.map(policyName), FOREIGN]) state[name] = { ...(await documentOf(name)), versions: await versionsOf(name) };
    return state;
  };
  const statuses = (json: any) => Object.fromEntries(json.policies.map((policy: any) => [policy.policyName, policy.status]));

  /** A thing as `device create` made it: certificate, attached policy with `document`. */
  async function provisioned(id: string, document: (prefix: string, id: string) => PolicyDocument): Promise<void> {
    await iot.send(new CreateThingCommand({ thingName: id, attributePayload: { attributes: { smartstock: 'v1', venue: 'rooftop' } } }));
    const cert = await iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
    arnPrefix = arnPrefixOf(cert.certificateArn!);
    await iot.send(new CreatePolicyCommand({ policyName: policyName(id), policyDocument: JSON.stringify(document(arnPrefix, id)) }));
    await iot.send(new AttachPolicyCommand({ policyName: policyName(id), target: cert.certificateArn! }));
    await iot.send(new AttachThingPrincipalCommand({ thingName: id, principal: cert.certificateArn! }));
  }

  beforeAll(async () => {
    moto = await startMoto();
    iot = new IoTClient({ region: 'eu-west-1', endpoint: moto.url });
    for (const id of OLD) await provisioned(id, oldDevicePolicyDocument);
    await provisioned('bar-current', devicePolicyDocument);
    // five versions, the default the oldest: the one to delete is version 2, not the default 1
    for (let n = 0; n < 4; n++)
      await iot.send(
        new CreatePolicyVersionCommand({
          policyName: policyName('bar-five'),
          policyDocument: JSON.stringify(oldDevicePolicyDocument(arnPrefix, 'bar-five')),
          setAsDefault: false,
        }),
      );
    await iot.send(
      new CreatePolicyCommand({ policyName: FOREIGN, policyDocument: JSON.stringify(oldDevicePolicyDocument(arnPrefix, 'x')) }),
    );
    denying = await startDenyingProxy(moto.url, { method: 'POST', path: `/policies/${policyName('bar-denied')}/version` });
  });
  afterAll(async () => {
    await Promise.all([moto?.stop(), denying?.close()]);
  });

  it('--dry-run names each out-of-date policy with what it would grant and take away, and changes nothing', async () => {
    const before = await account();
    const r = await update('--dry-run');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(statuses(r.json)).toEqual({
      'smartstock-device-bar-a': 'would-update',
      'smartstock-device-bar-b': 'would-update',
      'smartstock-device-bar-current': 'unchanged',
      'smartstock-device-bar-denied': 'would-update',
      'smartstock-device-bar-five': 'would-update',
    });
    const barA = r.json.policies.find((policy: any) => policy.policyName === 'smartstock-device-bar-a');
    expect(barA.added).toContain('Allow iot:RetainPublish topic/smartstock/v1/<thing>/status');
    expect(barA.removed).toEqual([
      'Allow iot:Publish topic/smartstock/v1/<thing>/*',
      'Allow iot:Receive topic/smartstock/v1/<thing>/*',
      'Allow iot:Subscribe topicfilter/smartstock/v1/<thing>/*',
    ]);
    expect(r.json.summary).toEqual({ updated: 0, wouldUpdate: 4, unchanged: 1, failed: 0 });
    expect(await account()).toEqual(before);

    const human = await cli('device', 'update-policy', '--aws-endpoint', moto.url, '--region', 'eu-west-1', '--dry-run');
    expect(human.stdout).toContain('smartstock-device-bar-a  would update\n  - Allow iot:Publish topic/smartstock/v1/<thing>/*\n');
    expect(human.stdout).toContain('\n  + Allow iot:RetainPublish topic/smartstock/v1/<thing>/status\n');
    expect(human.stdout).toContain('smartstock-device-bar-b  would update\n  (the same changes as smartstock-device-bar-a)');
    expect(human.stdout).toMatch(/Dry run, nothing changed: 4 to update, 1 unchanged, 0 failed/);
    expect(await account()).toEqual(before);
  });

  it('updates every other policy when one is refused, names the refused one and its AWS error, and exits 1', async () => {
    const foreignBefore = await documentOf(FOREIGN);
    const r = await cli('device', 'update-policy', ...aws(denying.url));
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(statuses(r.json)).toEqual({
      'smartstock-device-bar-a': 'updated',
      'smartstock-device-bar-b': 'updated',
      'smartstock-device-bar-current': 'unchanged',
      'smartstock-device-bar-denied': 'failed',
      'smartstock-device-bar-five': 'updated',
    });
    const denied = r.json.policies.find((policy: any) => policy.status === 'failed');
    expect(denied.error).toMatch(/AccessDeniedException: User: technician is not authorized/);
    for (const id of ['bar-a', 'bar-b', 'bar-five']) {
      const { document } = await documentOf(policyName(id));
      expect(document, id).toEqual(devicePolicyDocument(arnPrefix, id));
    }
    expect((await documentOf(policyName('bar-denied'))).document).toEqual(oldDevicePolicyDocument(arnPrefix, 'bar-denied'));
    expect(await versionsOf(policyName('bar-a'))).toEqual([
      { id: 1, isDefault: false },
      { id: 2, isDefault: true },
    ]);
    expect(await documentOf(FOREIGN)).toEqual(foreignBefore);

    const human = await cli('device', 'update-policy', '--aws-endpoint', denying.url, '--region', 'eu-west-1', '--id', 'bar-denied');
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/smartstock-device-bar-denied {2}failed: AWS IoT AccessDeniedException: /);
  });

  it('with five versions kept, deletes the oldest that is not the default before adding the new default', async () => {
    expect(await versionsOf(policyName('bar-five'))).toEqual([
      { id: 1, isDefault: false },
      { id: 3, isDefault: false },
      { id: 4, isDefault: false },
      { id: 5, isDefault: false },
      { id: 6, isDefault: true },
    ]);
    expect((await documentOf(policyName('bar-five'))).document).toEqual(devicePolicyDocument(arnPrefix, 'bar-five'));
  });

  it('a second run finds every policy current and changes nothing', async () => {
    const finish = await update();
    expect(finish.code, finish.stdout).toBe(0);
    expect(statuses(finish.json)['smartstock-device-bar-denied']).toBe('updated'); // only IAM stood in its way
    const before = await account();
    const again = await update();
    expect(again.code, again.stdout).toBe(0);
    expect(again.json.summary).toEqual({ updated: 0, wouldUpdate: 0, unchanged: 5, failed: 0 });
    expect(await account()).toEqual(before);
  });

  it('--id updates one device; an unknown one fails naming its policy', async () => {
    const one = await update('--id', 'bar-a');
    expect(one.json.policies.map((policy: any) => [policy.policyName, policy.status])).toEqual([['smartstock-device-bar-a', 'unchanged']]);
    const unknown = await update('--id', 'no-such-bar');
    expect(unknown.code).toBe(1);
    expect(unknown.json.policies[0]).toMatchObject({ policyName: 'smartstock-device-no-such-bar', status: 'failed' });
    expect(unknown.json.policies[0].error).toMatch(/ResourceNotFoundException.*no such policy/);
  });

  it('device create and rotate-cert on a kept policy say whether it is current, pointing an out-of-date one to update-policy', async () => {
    await iot.send(
      new CreatePolicyCommand({
        policyName: policyName('bar-late'),
        policyDocument: JSON.stringify(oldDevicePolicyDocument(arnPrefix, 'bar-late')),
      }),
    );
    const create = (id: string) =>
      cli('device', 'create', '--venue', 'rooftop', '--name', 'Late', '--id', id, '--out', join(tmp, id), ...aws());
    const kept = await create('bar-late');
    expect(kept.code, kept.stdout + kept.stderr).toBe(0);
    expect(kept.json.policy).toMatchObject({
      name: 'smartstock-device-bar-late',
      state: 'out-of-date',
      fix: 'smartstock-provision device update-policy --id bar-late',
    });
    expect(kept.json.policy.text).toMatch(/OUT OF DATE/);
    expect((await documentOf(policyName('bar-late'))).document).toEqual(oldDevicePolicyDocument(arnPrefix, 'bar-late')); // only said

    const fresh = await create('bar-new');
    expect(fresh.json.policy).toMatchObject({ name: 'smartstock-device-bar-new', state: 'created' });

    expect((await update('--id', 'bar-late')).json.summary.updated).toBe(1);
    const rotated = await cli('device', 'rotate-cert', '--id', 'bar-late', '--out', join(tmp, 'bar-late-rotated'), ...aws());
    expect(rotated.code, rotated.stdout + rotated.stderr).toBe(0);
    expect(rotated.json.policy).toMatchObject({ name: 'smartstock-device-bar-late', state: 'current' });
  });
});

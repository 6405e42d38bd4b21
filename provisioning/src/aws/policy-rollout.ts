import {
  CreatePolicyVersionCommand,
  DeletePolicyVersionCommand,
  GetPolicyCommand,
  ListPoliciesCommand,
  ListPolicyVersionsCommand,
  type IoTClient,
} from '@aws-sdk/client-iot';
import { DEVICE_POLICY_PREFIX, arnPrefixOf, devicePolicyDocument, thingOfDevicePolicy, type PolicyDocument } from './policy.js';
import { policyDiff, sameGrants, type PolicyDiff } from './policy-diff.js';

/**
 * Bringing the per-thing policies `device create` made to the document this code writes. A policy
 * is changed by a new version set as default (the certificates stay attached, the device keeps
 * its connection), never by deleting and recreating it.
 */

/** AWS IoT keeps at most five versions of a policy; a sixth is refused (VersionsLimitExceeded). */
export const MAX_POLICY_VERSIONS = 5;

export interface DevicePolicyCheck {
  policyName: string;
  thingName: string;
  defaultVersionId: string | undefined;
  state: 'current' | 'out-of-date';
  diff: PolicyDiff;
  wanted: PolicyDocument;
}

/** Every policy in the account and region named as `devicePolicyName` names them, sorted. */
export async function listDevicePolicies(iot: IoTClient): Promise<string[]> {
  const names: string[] = [];
  let marker: string | undefined;
  do {
    const page = await iot.send(new ListPoliciesCommand({ marker, pageSize: 250 }));
    for (const policy of page.policies ?? [])
      if (policy.policyName && thingOfDevicePolicy(policy.policyName)) names.push(policy.policyName);
    marker = page.nextMarker;
  } while (marker);
  return names.sort();
}

/** The default version's document against what `devicePolicyDocument` writes for the thing now. */
export async function checkDevicePolicy(iot: IoTClient, policyName: string): Promise<DevicePolicyCheck> {
  const thingName = thingOfDevicePolicy(policyName);
  if (!thingName) throw new Error(`${policyName} is not a SmartStock device policy (${DEVICE_POLICY_PREFIX}<device id>)`);
  const policy = await iot.send(new GetPolicyCommand({ policyName }));
  if (!policy.policyArn || policy.policyDocument === undefined) throw new Error('GetPolicy answered without an ARN or a document');
  const arnPrefix = arnPrefixOf(policy.policyArn);
  const wanted = devicePolicyDocument(arnPrefix, thingName);
  const diff = policyDiff(policy.policyDocument, wanted, arnPrefix);
  return {
    policyName,
    thingName,
    defaultVersionId: policy.defaultVersionId,
    state: sameGrants(diff) ? 'current' : 'out-of-date',
    diff,
    wanted,
  };
}

export interface PolicyUpdated {
  versionId: string;
  /** The version deleted to stay within AWS's five, if one had to go. */
  deletedVersionId?: string;
}

/**
 * Writes the wanted document as a new default version. With five versions kept, the oldest one
 * that is not the default goes first: version ids only grow, and createDate is whole seconds.
 */
export async function updateDevicePolicy(iot: IoTClient, check: DevicePolicyCheck): Promise<PolicyUpdated> {
  const { policyName } = check;
  const versions = (await iot.send(new ListPolicyVersionsCommand({ policyName }))).policyVersions ?? [];
  let deletedVersionId: string | undefined;
  if (versions.length >= MAX_POLICY_VERSIONS) {
    const oldest = versions
      .filter((version) => !version.isDefaultVersion && version.versionId)
      .sort((a, b) => Number(a.versionId) - Number(b.versionId))[0];
    if (!oldest?.versionId) throw new Error(`${policyName} has ${versions.length} versions and none but the default to delete`);
    await iot.send(new DeletePolicyVersionCommand({ policyName, policyVersionId: oldest.versionId }));
    deletedVersionId = oldest.versionId;
  }
  const created = await iot.send(
    new CreatePolicyVersionCommand({ policyName, policyDocument: JSON.stringify(check.wanted), setAsDefault: true }),
  );
  if (!created.policyVersionId) throw new Error('CreatePolicyVersion answered without a version id');
  return { versionId: created.policyVersionId, ...(deletedVersionId ? { deletedVersionId } : {}) };
}

import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateKeysAndCertificateCommand,
  CreatePolicyCommand,
  CreateThingCommand,
  DescribeCertificateCommand,
  DescribeEndpointCommand,
  DescribeThingCommand,
  DetachPolicyCommand,
  DetachThingPrincipalCommand,
  IoTClient,
  ListThingPrincipalsCommand,
  ListThingsCommand,
  UpdateCertificateCommand,
} from '@aws-sdk/client-iot';
import { arnPrefixOf, devicePolicyDocument, devicePolicyName } from './policy.js';
import { undoingOnFailure, type AwsAttempt } from './attempt.js';
import { checkDevicePolicy } from './policy-rollout.js';

/**
 * Devices on AWS IoT Core: thing, certificate and per-thing policy. Every
 * SmartStock thing carries the attribute `smartstock=v1` so `device list`
 * finds ours among the account's other things.
 */
export const SMARTSTOCK_ATTRIBUTE = { name: 'smartstock', value: 'v1' } as const;

export interface AwsOptions {
  region: string;
  /** A stand-in such as moto or LocalStack; absent means the real AWS. */
  endpoint?: string | undefined;
}

export function iotClient(o: AwsOptions): IoTClient {
  // SmartStock supports Node 20 (engines); the SDK's upgrade notice would only confuse a technician
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return new IoTClient({ region: o.region, ...(o.endpoint ? { endpoint: o.endpoint } : {}) });
}

export interface AwsCertificate {
  certificateId: string;
  certificateArn: string;
  certPem: string;
  keyPem: string;
  policy: ThingPolicy;
}

/**
 * The policy the certificate was attached to: made by this call, or kept from before (a re-run, a
 * rotation) and then either granting what this code writes, or out of date (`device update-policy`
 * brings it up), or not checked because reading it failed (the reason is kept).
 */
export interface ThingPolicy {
  name: string;
  state: 'created' | 'current' | 'out-of-date' | 'unchecked';
  reason?: string;
}

export async function thingExists(iot: IoTClient, thingName: string): Promise<boolean> {
  try {
    await iot.send(new DescribeThingCommand({ thingName }));
    return true;
  } catch (e) {
    if ((e as Error).name === 'ResourceNotFoundException') return false;
    throw e;
  }
}

export async function createThing(iot: IoTClient, thingName: string, venueId: string, attempt?: AwsAttempt): Promise<void> {
  await iot.send(
    new CreateThingCommand({
      thingName,
      // attribute values allow no spaces: the display name lives in the cloud, the venue id is safe
      attributePayload: { attributes: { [SMARTSTOCK_ATTRIBUTE.name]: SMARTSTOCK_ATTRIBUTE.value, venue: venueId } },
    }),
  );
  if (attempt) attempt.thingCreated = true;
}

/**
 * A fresh key pair and active certificate, attached to the thing and its
 * policy. When a step here fails, what this call made is undone before the
 * error goes on; on success what it made is added to `attempt`, for the
 * caller to undo should a later step of its own fail.
 */
export async function issueThingCertificate(iot: IoTClient, thingName: string, attempt?: AwsAttempt): Promise<AwsCertificate> {
  const c = await iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
  if (!c.certificateArn || !c.certificateId || !c.certificatePem || !c.keyPair?.PrivateKey)
    throw new Error('CreateKeysAndCertificate answered without a certificate or key');
  const { certificateArn, certificateId, certificatePem } = c;
  const keyPem = c.keyPair.PrivateKey;
  const policyName = devicePolicyName(thingName);
  const own: AwsAttempt = { thingName, certificate: { certificateId, certificateArn }, policyName };
  const policy: ThingPolicy = { name: policyName, state: 'created' };
  await undoingOnFailure(iot, own, async () => {
    try {
      const policyDocument = JSON.stringify(devicePolicyDocument(arnPrefixOf(certificateArn), thingName));
      await iot.send(new CreatePolicyCommand({ policyName, policyDocument }));
      own.policyCreated = true;
    } catch (e) {
      if ((e as Error).name !== 'ResourceAlreadyExistsException') throw e; // a re-run or a rotation
      Object.assign(policy, await existingPolicyState(iot, policyName));
    }
    await iot.send(new AttachPolicyCommand({ policyName, target: certificateArn }));
    own.policyAttached = true;
    await iot.send(new AttachThingPrincipalCommand({ thingName, principal: certificateArn }));
    own.principalAttached = true;
  });
  if (attempt) Object.assign(attempt, own); // own has no thingCreated: the caller's stays
  return { certificateId, certificateArn, certPem: certificatePem, keyPem, policy };
}

/** A kept policy is attached as it is; whether it grants what this code writes is only reported, never a failure. */
async function existingPolicyState(iot: IoTClient, policyName: string): Promise<Pick<ThingPolicy, 'state' | 'reason'>> {
  try {
    return { state: (await checkDevicePolicy(iot, policyName)).state };
  } catch (e) {
    return { state: 'unchecked', reason: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

/** The account's ATS data endpoint: the host that chains to AmazonRootCA1. */
export async function dataEndpoint(iot: IoTClient): Promise<string> {
  const answer = await iot.send(new DescribeEndpointCommand({ endpointType: 'iot:Data-ATS' }));
  if (!answer.endpointAddress) throw new Error('DescribeEndpoint answered without an address');
  return answer.endpointAddress;
}

export interface ThingCertificate {
  certificateId: string;
  certificateArn: string;
  status: string;
  createdAt?: string | undefined;
}

export async function thingCertificates(iot: IoTClient, thingName: string): Promise<ThingCertificate[]> {
  const listed = await iot.send(new ListThingPrincipalsCommand({ thingName }));
  const certs: ThingCertificate[] = [];
  for (const arn of listed.principals ?? []) {
    if (!arn.includes(':cert/')) continue;
    const certificateId = arn.slice(arn.lastIndexOf('/') + 1);
    const described = await iot.send(new DescribeCertificateCommand({ certificateId }));
    certs.push({
      certificateId,
      certificateArn: arn,
      status: described.certificateDescription?.status ?? 'UNKNOWN',
      createdAt: described.certificateDescription?.creationDate?.toISOString(),
    });
  }
  return certs;
}

/** Deactivates the certificate first (it stops working at once), then detaches it. */
export async function retireCertificate(iot: IoTClient, thingName: string, cert: ThingCertificate): Promise<void> {
  await iot.send(new UpdateCertificateCommand({ certificateId: cert.certificateId, newStatus: 'INACTIVE' }));
  await iot.send(new DetachPolicyCommand({ policyName: devicePolicyName(thingName), target: cert.certificateArn })).catch((err: Error) => {
    if (err.name !== 'ResourceNotFoundException') throw err;
  });
  await iot.send(new DetachThingPrincipalCommand({ thingName, principal: cert.certificateArn }));
}

export interface ThingSummary {
  thingName: string;
  venue: string | undefined;
}

export async function listSmartStockThings(iot: IoTClient): Promise<ThingSummary[]> {
  const things: ThingSummary[] = [];
  let nextToken: string | undefined;
  do {
    const page = await iot.send(
      new ListThingsCommand({ attributeName: SMARTSTOCK_ATTRIBUTE.name, attributeValue: SMARTSTOCK_ATTRIBUTE.value, nextToken }),
    );
    for (const thing of page.things ?? []) if (thing.thingName) things.push({ thingName: thing.thingName, venue: thing.attributes?.venue });
    nextToken = page.nextToken;
  } while (nextToken);
  return things.sort((a, b) => a.thingName.localeCompare(b.thingName));
}

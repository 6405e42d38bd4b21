import {
  DeleteCertificateCommand,
  DeletePolicyCommand,
  DeleteThingCommand,
  DetachPolicyCommand,
  DetachThingPrincipalCommand,
  UpdateCertificateCommand,
  type IoTClient,
} from '@aws-sdk/client-iot';

/**
 * What one creation attempt made on AWS IoT, recorded as it goes, so a
 * failure later on (policy, endpoint, bundle, cloud registration) can take
 * back exactly that and nothing older: a thing or policy that was there
 * before the attempt stays, as does any certificate another run issued.
 */
export interface AwsAttempt {
  thingName: string;
  thingCreated?: boolean;
  certificate?: { certificateId: string; certificateArn: string };
  policyName?: string;
  policyCreated?: boolean;
  policyAttached?: boolean;
  principalAttached?: boolean;
}

/**
 * Undoes an attempt in the order AWS requires (a certificate is deleted
 * only once inactive and detached; a policy or thing only once nothing is
 * attached). Every step is tried; the ones that failed are returned so the
 * caller can name them instead of hiding the original error.
 */
export async function undoAttempt(iot: IoTClient, attempt: AwsAttempt): Promise<string[]> {
  const left: string[] = [];
  const step = async (what: string, run: () => Promise<unknown>): Promise<void> => {
    try {
      await run();
    } catch (e) {
      if ((e as Error).name !== 'ResourceNotFoundException') left.push(`${what}: ${(e as Error).message}`);
    }
  };
  const { thingName, certificate, policyName } = attempt;
  if (certificate) {
    const principal = certificate.certificateArn;
    if (attempt.principalAttached)
      await step('detach certificate from thing', () => iot.send(new DetachThingPrincipalCommand({ thingName, principal })));
    if (attempt.policyAttached && policyName)
      await step('detach policy', () => iot.send(new DetachPolicyCommand({ policyName, target: principal })));
    const { certificateId } = certificate;
    await step('deactivate certificate', () => iot.send(new UpdateCertificateCommand({ certificateId, newStatus: 'INACTIVE' })));
    await step('delete certificate', () => iot.send(new DeleteCertificateCommand({ certificateId })));
  }
  if (attempt.policyCreated && policyName) await step('delete policy', () => iot.send(new DeletePolicyCommand({ policyName })));
  if (attempt.thingCreated) await step('delete thing', () => iot.send(new DeleteThingCommand({ thingName })));
  return left;
}

/** Runs `work`; when it throws, undoes the attempt and rethrows, naming anything that could not be undone. */
export async function undoingOnFailure<T>(iot: IoTClient, attempt: AwsAttempt, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    const left = await undoAttempt(iot, attempt);
    if (left.length && e instanceof Error)
      e.message += ` (cleaning up AWS IoT for ${attempt.thingName} also failed: ${left.join('; ')}; see \`device list\`)`;
    throw e;
  }
}

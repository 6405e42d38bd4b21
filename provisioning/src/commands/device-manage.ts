import { join } from 'node:path';
import type { IoTClient } from '@aws-sdk/client-iot';
import { CliError, EXIT, emit, table, usageError, type Ctx } from '../cli/output.js';
import { cloudFrom, type CloudFlags } from '../cli/options.js';
import {
  iotClient,
  issueThingCertificate,
  listSmartStockThings,
  retireCertificate,
  thingCertificates,
  thingExists,
  dataEndpoint,
} from '../aws/devices.js';
import { AMAZON_ROOT_CA1, writeBundle } from '../bundle/index.js';
import { undoingOnFailure, type AwsAttempt } from '../aws/attempt.js';
import { fingerprintOf } from '@smartstock/pki';
import { policyReport } from './device-policy.js';

/** `device list`, `device revoke` and `device rotate-cert`: the AWS IoT side of a device's life. */
export interface AwsFlags {
  region: string;
  awsEndpoint?: string;
}

const iotOf = (options: AwsFlags): IoTClient => iotClient({ region: options.region, endpoint: options.awsEndpoint });

async function requireThing(iot: IoTClient, id: string): Promise<void> {
  if (!(await thingExists(iot, id)))
    throw new CliError(`no AWS IoT thing named ${id}`, EXIT.failure, 'check --id and --region (`device list` shows them)');
}

export async function deviceList(ctx: Ctx, options: AwsFlags): Promise<void> {
  const iot = iotOf(options);
  const devices: { id: string; venue: string | null; certificates: { certificateId: string; status: string }[] }[] = [];
  for (const t of await listSmartStockThings(iot)) {
    const certs = await thingCertificates(iot, t.thingName);
    devices.push({
      id: t.thingName,
      venue: t.venue ?? null,
      certificates: certs.map(({ certificateId, status }) => ({ certificateId, status })),
    });
  }
  emit(ctx, { devices }, () =>
    devices.length === 0
      ? 'No SmartStock devices in this account and region.'
      : table(
          ['DEVICE', 'VENUE', 'ACTIVE CERTS', 'OTHER CERTS'],
          devices.map((device) => [
            device.id,
            device.venue ?? '',
            String(device.certificates.filter((cert) => cert.status === 'ACTIVE').length),
            String(device.certificates.filter((cert) => cert.status !== 'ACTIVE').length),
          ]),
        ),
  );
}

export interface RevokeOptions extends AwsFlags, CloudFlags {
  id: string;
  local?: boolean;
}

/**
 * AWS: deactivates and detaches every certificate of the device, then marks
 * it revoked in the cloud. Local CA: the cloud's mark is the revocation, as
 * the embedded broker refuses revoked devices.
 */
export async function deviceRevoke(ctx: Ctx, options: RevokeOptions): Promise<void> {
  if (options.local) {
    const cloud = cloudFrom(options);
    if (!cloud) throw usageError('--local revoke happens in the cloud: give --cloud-url and a token or login');
    await cloud.revokeDevice(options.id);
    emit(
      ctx,
      { id: options.id, deactivated: [], cloud: 'revoked' },
      () => `Device ${options.id} revoked in the cloud; its broker refuses it from now on.`,
    );
    return;
  }
  const iot = iotOf(options);
  await requireThing(iot, options.id);
  const certs = await thingCertificates(iot, options.id);
  for (const c of certs) await retireCertificate(iot, options.id, c);
  const cloud = cloudFrom(options);
  if (cloud) await cloud.revokeDevice(options.id);
  const result = { id: options.id, deactivated: certs.map((c) => c.certificateId), cloud: cloud ? 'revoked' : 'not-told' };
  emit(ctx, result, () =>
    [
      `Device ${options.id}: ${certs.length} certificate(s) deactivated and detached; it can no longer connect.`,
      cloud ? '  the cloud marks it revoked' : '  the cloud was not told (no --cloud-url): revoke it there too',
    ].join('\n'),
  );
}

export interface RotateOptions extends AwsFlags {
  id: string;
  out?: string;
  retireOld?: boolean;
  keep?: string;
  force?: boolean;
}

/**
 * Two steps so the device is never without a working certificate: first a
 * new certificate beside the old one and a new bundle; once the agent runs
 * on it, `--retire-old --keep <new id>` deactivates the others.
 */
export async function deviceRotateCert(ctx: Ctx, options: RotateOptions): Promise<void> {
  const iot = iotOf(options);
  await requireThing(iot, options.id);
  const before = await thingCertificates(iot, options.id);
  if (options.retireOld) {
    if (!options.keep) throw usageError('--retire-old needs --keep <certificate id> (the new one)', 'copy it from the first step’s output');
    if (!before.some((c) => c.certificateId === options.keep))
      throw new CliError(
        `certificate ${options.keep} is not attached to ${options.id}`,
        EXIT.failure,
        'check --keep against `device list`',
      );
    const retired = before.filter((c) => c.certificateId !== options.keep);
    for (const c of retired) await retireCertificate(iot, options.id, c);
    emit(
      ctx,
      { id: options.id, kept: options.keep, retired: retired.map((c) => c.certificateId) },
      () => `Device ${options.id}: kept ${options.keep}; retired ${retired.length} old certificate(s).`,
    );
    return;
  }
  const out = options.out ?? join('bundles', `${options.id}-rotated`);
  // a rotation that fails half-way must not leave a second active certificate nobody holds the key of
  const attempt: AwsAttempt = { thingName: options.id };
  const { cert, bundle } = await undoingOnFailure(iot, attempt, async () => {
    const issued = await issueThingCertificate(iot, options.id, attempt);
    const host = await dataEndpoint(iot);
    const written = await writeBundle(
      { deviceId: options.id, mqttUrl: `mqtts://${host}:8883`, certPem: issued.certPem, keyPem: issued.keyPem, caPem: AMAZON_ROOT_CA1 },
      out,
      options.force,
    );
    return { cert: issued, bundle: written };
  });
  const next = `smartstock-provision device rotate-cert --id ${options.id} --retire-old --keep ${cert.certificateId}`;
  const policy = policyReport(cert.policy, options.id);
  const result = {
    id: options.id,
    bundle,
    certificateId: cert.certificateId,
    certFingerprint: fingerprintOf(cert.certPem),
    policy,
    stillActive: before.filter((c) => c.status === 'ACTIVE').map((c) => c.certificateId),
    next,
  };
  emit(ctx, result, () =>
    [
      `Device ${options.id}: new certificate ${cert.certificateId}; new bundle at ${bundle}.`,
      `Policy ${policy.text}.`,
      `The old certificate(s) still work. Install the new bundle on the device, check it with \`verify\`, then:`,
      `  ${next}`,
    ].join('\n'),
  );
}

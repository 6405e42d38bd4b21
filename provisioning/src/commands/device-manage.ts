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

/** `device list`, `device revoke` and `device rotate-cert`: the AWS IoT side of a device's life. */
export interface AwsFlags {
  region: string;
  awsEndpoint?: string;
}

const iotOf = (o: AwsFlags): IoTClient => iotClient({ region: o.region, endpoint: o.awsEndpoint });

async function requireThing(iot: IoTClient, id: string): Promise<void> {
  if (!(await thingExists(iot, id)))
    throw new CliError(`no AWS IoT thing named ${id}`, EXIT.failure, 'check --id and --region (`device list` shows them)');
}

export async function deviceList(ctx: Ctx, o: AwsFlags): Promise<void> {
  const iot = iotOf(o);
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
          devices.map((d) => [
            d.id,
            d.venue ?? '',
            String(d.certificates.filter((c) => c.status === 'ACTIVE').length),
            String(d.certificates.filter((c) => c.status !== 'ACTIVE').length),
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
export async function deviceRevoke(ctx: Ctx, o: RevokeOptions): Promise<void> {
  if (o.local) {
    const cloud = cloudFrom(o);
    if (!cloud) throw usageError('--local revoke happens in the cloud: give --cloud-url and a token or login');
    await cloud.revokeDevice(o.id);
    emit(
      ctx,
      { id: o.id, deactivated: [], cloud: 'revoked' },
      () => `Device ${o.id} revoked in the cloud; its broker refuses it from now on.`,
    );
    return;
  }
  const iot = iotOf(o);
  await requireThing(iot, o.id);
  const certs = await thingCertificates(iot, o.id);
  for (const c of certs) await retireCertificate(iot, o.id, c);
  const cloud = cloudFrom(o);
  if (cloud) await cloud.revokeDevice(o.id);
  const result = { id: o.id, deactivated: certs.map((c) => c.certificateId), cloud: cloud ? 'revoked' : 'not-told' };
  emit(ctx, result, () =>
    [
      `Device ${o.id}: ${certs.length} certificate(s) deactivated and detached; it can no longer connect.`,
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
export async function deviceRotateCert(ctx: Ctx, o: RotateOptions): Promise<void> {
  const iot = iotOf(o);
  await requireThing(iot, o.id);
  const before = await thingCertificates(iot, o.id);
  if (o.retireOld) {
    if (!o.keep) throw usageError('--retire-old needs --keep <certificate id> (the new one)', 'copy it from the first step’s output');
    if (!before.some((c) => c.certificateId === o.keep))
      throw new CliError(`certificate ${o.keep} is not attached to ${o.id}`, EXIT.failure, 'check --keep against `device list`');
    const retired = before.filter((c) => c.certificateId !== o.keep);
    for (const c of retired) await retireCertificate(iot, o.id, c);
    emit(
      ctx,
      { id: o.id, kept: o.keep, retired: retired.map((c) => c.certificateId) },
      () => `Device ${o.id}: kept ${o.keep}; retired ${retired.length} old certificate(s).`,
    );
    return;
  }
  const out = o.out ?? join('bundles', `${o.id}-rotated`);
  // a rotation that fails half-way must not leave a second active certificate nobody holds the key of
  const attempt: AwsAttempt = { thingName: o.id };
  const { cert, bundle } = await undoingOnFailure(iot, attempt, async () => {
    const issued = await issueThingCertificate(iot, o.id, attempt);
    const host = await dataEndpoint(iot);
    const written = await writeBundle(
      { deviceId: o.id, mqttUrl: `mqtts://${host}:8883`, certPem: issued.certPem, keyPem: issued.keyPem, caPem: AMAZON_ROOT_CA1 },
      out,
      o.force,
    );
    return { cert: issued, bundle: written };
  });
  const next = `smartstock-provision device rotate-cert --id ${o.id} --retire-old --keep ${cert.certificateId}`;
  const result = {
    id: o.id,
    bundle,
    certificateId: cert.certificateId,
    certFingerprint: fingerprintOf(cert.certPem),
    stillActive: before.filter((c) => c.status === 'ACTIVE').map((c) => c.certificateId),
    next,
  };
  emit(ctx, result, () =>
    [
      `Device ${o.id}: new certificate ${cert.certificateId}; new bundle at ${bundle}.`,
      `The old certificate(s) still work. Install the new bundle on the device, check it with \`verify\`, then:`,
      `  ${next}`,
    ].join('\n'),
  );
}

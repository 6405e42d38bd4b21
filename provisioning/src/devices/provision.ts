import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { IoTClient } from '@aws-sdk/client-iot';
import { assertDeviceId, reservedDeviceIdReason } from '@smartstock/protocol';
import { fingerprintOf, issueDeviceCertificate, loadCa } from '@smartstock/pki';
import { AMAZON_ROOT_CA1, BUNDLE_FILES, isTarPath, writeBundle, type DeviceBundle } from '../bundle/index.js';
import { createThing, dataEndpoint, issueThingCertificate, thingCertificates, thingExists, type ThingPolicy } from '../aws/devices.js';
import { undoingOnFailure, type AwsAttempt } from '../aws/attempt.js';
import type { CloudClient } from '../cloud-client.js';
import { usageError } from '../cli/output.js';

/**
 * Creating one device, shared by `device create` and `fleet import`:
 * identity and certificate on the chosen broker, then the bundle, then the
 * cloud registration. Registration comes last so a device the cloud knows
 * always has a bundle somewhere; when it fails, the bundle this run wrote is
 * removed, so a re-run starts clean instead of stopping at "already exists".
 * On AWS the same holds for what the attempt made there: the certificate is
 * detached, deactivated and deleted, and a thing or policy it created goes.
 */
export type Backend = { kind: 'local'; caDir: string; mqttUrl: string } | { kind: 'aws'; iot: IoTClient };

export interface DeviceRequest {
  id: string;
  venueId: string;
  name: string;
  /** A folder, or a path ending in .tar/.tar.gz/.tgz. */
  out: string;
  force?: boolean;
  dataDir?: string | undefined;
  installDir?: string | undefined;
}

export interface DeviceCreated {
  id: string;
  venueId: string;
  name: string;
  backend: Backend['kind'];
  bundle: string;
  mqttUrl: string;
  certFingerprint: string;
  certificateId?: string;
  /** AWS: the thing's policy, and whether a kept one is out of date. */
  policy?: ThingPolicy;
  cloud: 'registered' | 'already-registered' | 'not-registered';
}

export class AlreadyProvisionedError extends Error {
  constructor(
    readonly id: string,
    readonly where: string,
  ) {
    super(`device ${id} already exists (${where})`);
  }
}

/**
 * Whether the device was created before: its bundle exists, or (AWS) its
 * thing has a certificate. A thing without one is what an interrupted run
 * leaves behind, and creation resumes from it.
 */
export async function alreadyProvisioned(req: DeviceRequest, backend: Backend): Promise<string | null> {
  const marker = isTarPath(req.out) ? resolve(req.out) : join(resolve(req.out), BUNDLE_FILES.key);
  if (existsSync(marker)) return `bundle at ${resolve(req.out)}`;
  if (backend.kind === 'aws' && (await thingExists(backend.iot, req.id)) && (await thingCertificates(backend.iot, req.id)).length > 0)
    return 'AWS IoT thing with a certificate';
  return null;
}

export async function provisionDevice(req: DeviceRequest, backend: Backend, cloud?: CloudClient): Promise<DeviceCreated> {
  assertDeviceId(req.id);
  const reserved = reservedDeviceIdReason(req.id);
  if (reserved) throw usageError(reserved);
  // sign in and reach the cloud before creating anything, so bad credentials leave nothing half-made
  await cloud?.reach();
  if (!req.force) {
    const where = await alreadyProvisioned(req, backend);
    if (where) throw new AlreadyProvisionedError(req.id, where);
  }
  if (backend.kind === 'local') return createAndRegister(req, 'local', localBundle(req, backend), cloud);
  const { iot } = backend;
  const attempt: AwsAttempt = { thingName: req.id };
  return undoingOnFailure(iot, attempt, async () => {
    if (!(await thingExists(iot, req.id))) await createThing(iot, req.id, req.venueId, attempt);
    const cert = await issueThingCertificate(iot, req.id, attempt);
    const host = await dataEndpoint(iot);
    const bundle = {
      deviceId: req.id,
      mqttUrl: `mqtts://${host}:8883`,
      certPem: cert.certPem,
      keyPem: cert.keyPem,
      caPem: AMAZON_ROOT_CA1,
    };
    return { ...(await createAndRegister(req, 'aws', bundle, cloud)), certificateId: cert.certificateId, policy: cert.policy };
  });
}

function localBundle(req: DeviceRequest, backend: Extract<Backend, { kind: 'local' }>): DeviceBundle {
  const ca = loadCa(backend.caDir);
  const cert = issueDeviceCertificate(ca, req.id);
  return { deviceId: req.id, mqttUrl: backend.mqttUrl, certPem: cert.certPem, keyPem: cert.keyPem, caPem: ca.certPem };
}

/** Writes the bundle, then registers the device; a refused registration removes the bundle again. */
async function createAndRegister(
  req: DeviceRequest,
  backend: Backend['kind'],
  bundle: DeviceBundle,
  cloud?: CloudClient,
): Promise<DeviceCreated> {
  if (req.dataDir) bundle.dataDir = req.dataDir;
  if (req.installDir) bundle.installDir = req.installDir;
  const outWasThere = existsSync(resolve(req.out));
  const path = await writeBundle(bundle, req.out, req.force);
  const certFingerprint = fingerprintOf(bundle.certPem);
  let state: DeviceCreated['cloud'] = 'not-registered';
  if (cloud) {
    try {
      const registered = await cloud.registerDevice({ id: req.id, venueId: req.venueId, name: req.name, certFingerprint });
      state = registered.created ? 'registered' : 'already-registered';
    } catch (err) {
      removeBundle(path, outWasThere);
      throw err;
    }
  }
  return {
    id: req.id,
    venueId: req.venueId,
    name: req.name,
    backend,
    bundle: path,
    mqttUrl: bundle.mqttUrl,
    certFingerprint,
    cloud: state,
  };
}

/** Undoes writeBundle: the tar or folder it made, or only the bundle's files in a folder that was there before. */
function removeBundle(path: string, outWasThere: boolean): void {
  if (!outWasThere || isTarPath(path)) return rmSync(path, { recursive: true, force: true });
  for (const f of Object.values(BUNDLE_FILES)) rmSync(join(path, f), { force: true });
}

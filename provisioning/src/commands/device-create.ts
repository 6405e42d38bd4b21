import { join } from 'node:path';
import { isLoopback } from '@smartstock/runtime';
import { usageError, emit, type Ctx } from '../cli/output.js';
import { backendFrom, cloudFrom, type BackendFlags, type CloudFlags } from '../cli/options.js';
import { provisionDevice } from '../devices/provision.js';
import { deviceIdFrom } from '../devices/device-id.js';
import { policyReport } from './device-policy.js';

export interface DeviceCreateOptions extends BackendFlags, CloudFlags {
  venue: string;
  name: string;
  id?: string;
  out?: string;
  force?: boolean;
  agentDataDir?: string;
  installDir?: string;
}

export async function deviceCreate(ctx: Ctx, options: DeviceCreateOptions): Promise<void> {
  const id = options.id ?? deviceIdFrom(options.venue, options.name);
  if (!id) throw usageError('cannot make a device id from --venue and --name', 'give --id');
  const backend = backendFrom(options);
  const cloud = cloudFrom(options); // a --cloud-url that is no address is refused before anything is made
  ctx.note(`creating ${id} on ${backend.kind === 'local' ? `the local CA in ${options.caDir}` : `AWS IoT (${options.region})`}…`);
  const provisioned = await provisionDevice(
    {
      id,
      venueId: options.venue,
      name: options.name,
      out: options.out ?? join('bundles', id),
      force: options.force,
      dataDir: options.agentDataDir,
      installDir: options.installDir,
    },
    backend,
    cloud,
  );
  // the CLI's default broker is this machine's: a bundle for an edge box elsewhere in the bar must name the stack's network address
  if (provisioned.backend === 'local' && brokerIsThisMachine(provisioned.mqttUrl))
    ctx.note(
      `note: the bundle's broker ${provisioned.mqttUrl} is this machine only; for a device elsewhere give --mqtt-url with the broker address \`npm start -- --host 0.0.0.0\` prints`,
    );
  // only the cloud knows the organisation's venues: without it (--local or AWS alike) nothing can check --venue
  const venueChecked = provisioned.cloud !== 'not-registered';
  const policy = provisioned.policy && policyReport(provisioned.policy, provisioned.id);
  emit(ctx, { ...provisioned, ...(policy ? { policy } : {}), venueChecked }, () =>
    [
      `Device ${provisioned.id} created (${provisioned.backend}).`,
      `  bundle       ${provisioned.bundle}`,
      `  broker       ${provisioned.mqttUrl}`,
      `  certificate  sha256 ${provisioned.certFingerprint}${provisioned.certificateId ? ` (AWS id ${provisioned.certificateId})` : ''}`,
      ...(policy ? [`  policy       ${policy.text}`] : []),
      `  cloud        ${venueChecked ? provisioned.cloud : 'not registered (no --cloud-url)'}`,
      `  venue        ${provisioned.venueId}${venueChecked ? '' : uncheckedVenue(provisioned.venueId)}`,
      `Next: copy the bundle onto the device, then \`smartstock-provision verify ${provisioned.bundle}\`.`,
    ].join('\n'),
  );
}

function brokerIsThisMachine(mqttUrl: string): boolean {
  try {
    return isLoopback(new URL(mqttUrl).hostname);
  } catch {
    return false;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What can be said of a venue no cloud was asked about: its form only. */
function uncheckedVenue(venueId: string): string {
  return UUID.test(venueId)
    ? ': not checked (only the cloud knows the venues: with --cloud-url it checks it and registers the device)'
    : ": not checked, and not a venue id (a UUID, on the dashboard's Devices page): the cloud will refuse to register the device with it";
}

import { join } from 'node:path';
import { usageError, emit, type Ctx } from '../cli/output.js';
import { backendFrom, cloudFrom, type BackendFlags, type CloudFlags } from '../cli/options.js';
import { provisionDevice } from '../devices/provision.js';
import { deviceIdFrom } from '../devices/device-id.js';

export interface DeviceCreateOptions extends BackendFlags, CloudFlags {
  venue: string;
  name: string;
  id?: string;
  out?: string;
  force?: boolean;
  agentDataDir?: string;
  installDir?: string;
}

export async function deviceCreate(ctx: Ctx, o: DeviceCreateOptions): Promise<void> {
  const id = o.id ?? deviceIdFrom(o.venue, o.name);
  if (!id) throw usageError('cannot make a device id from --venue and --name', 'give --id');
  const backend = backendFrom(o);
  ctx.note(`creating ${id} on ${backend.kind === 'local' ? `the local CA in ${o.caDir}` : `AWS IoT (${o.region})`}…`);
  const r = await provisionDevice(
    {
      id,
      venueId: o.venue,
      name: o.name,
      out: o.out ?? join('bundles', id),
      force: o.force,
      dataDir: o.agentDataDir,
      installDir: o.installDir,
    },
    backend,
    cloudFrom(o),
  );
  emit(ctx, r, () =>
    [
      `Device ${r.id} created (${r.backend}).`,
      `  bundle       ${r.bundle}`,
      `  broker       ${r.mqttUrl}`,
      `  certificate  sha256 ${r.certFingerprint}${r.certificateId ? ` (AWS id ${r.certificateId})` : ''}`,
      `  cloud        ${r.cloud === 'not-registered' ? 'not registered (no --cloud-url)' : r.cloud}`,
      `Next: copy the bundle onto the device, then \`smartstock-provision verify ${r.bundle}\`.`,
    ].join('\n'),
  );
}

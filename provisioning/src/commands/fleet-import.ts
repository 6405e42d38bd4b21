import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { CliError, EXIT, emit, table, usageError, type Ctx } from '../cli/output.js';
import { backendFrom, cloudFrom, type BackendFlags, type CloudFlags } from '../cli/options.js';
import { toCliError } from '../cli/errors.js';
import { alreadyProvisioned, provisionDevice, type DeviceRequest } from '../devices/provision.js';
import { FleetFileError, readFleetRows } from '../fleet/rows.js';
import { BUNDLE_FILES } from '../bundle/index.js';
import { fingerprintOf } from '@smartstock/pki';
import type { CloudClient } from '../cloud-client.js';
import { policyReport } from './device-policy.js';

export interface FleetImportOptions extends BackendFlags, CloudFlags {
  outDir: string;
  tar?: boolean;
}

type Outcome = { line: number; id: string; status: 'created' | 'skipped' | 'failed' | 'bad-row'; detail: string };

/**
 * Creates every device in the CSV. Safe to re-run: a device whose bundle or
 * thing exists is skipped (and its cloud registration finished if an earlier
 * run could not). One bad row or one failure never stops the others.
 */
export async function fleetImport(ctx: Ctx, options: FleetImportOptions, args: string[]): Promise<void> {
  const file = args[0]!;
  if (!existsSync(file)) throw usageError(`no such file ${file}`);
  let parsed;
  try {
    parsed = readFleetRows(readFileSync(file, 'utf8'));
  } catch (e) {
    if (e instanceof FleetFileError) throw usageError(`${file}: ${e.message}`, 'the first row must name the columns, e.g. "id,venue,name"');
    throw e;
  }
  const backend = backendFrom(options);
  const cloud = cloudFrom(options);
  const outcomes: Outcome[] = parsed.bad.map((b) => ({
    line: b.line,
    id: '',
    status: 'bad-row',
    detail: `column ${b.column}: ${b.message}`,
  }));

  const bar =
    ctx.io.isTty && !ctx.json
      ? new cliProgress.SingleBar({ format: 'devices [{bar}] {value}/{total} {id}' }, cliProgress.Presets.shades_classic)
      : null;
  bar?.start(parsed.rows.length, 0, { id: '' });
  for (const row of parsed.rows) {
    bar?.update({ id: row.id });
    const req: DeviceRequest = {
      id: row.id,
      venueId: row.venueId,
      name: row.name,
      out: join(options.outDir, options.tar ? `${row.id}.tgz` : row.id),
    };
    try {
      const where = await alreadyProvisioned(req, backend);
      if (where) {
        const registered = await finishRegistration(cloud, req);
        outcomes.push({
          line: row.line,
          id: row.id,
          status: 'skipped',
          detail: `exists (${where})${registered ? '; registered with the cloud' : ''}`,
        });
      } else {
        const provisioned = await provisionDevice(req, backend, cloud);
        const policy = provisioned.policy && policyReport(provisioned.policy, row.id);
        const kept = policy && policy.state !== 'created' && policy.state !== 'current' ? `; policy ${policy.text}` : '';
        outcomes.push({ line: row.line, id: row.id, status: 'created', detail: `${provisioned.bundle}${kept}` });
      }
    } catch (caught) {
      const err = toCliError(caught);
      outcomes.push({ line: row.line, id: row.id, status: 'failed', detail: err.fix ? `${err.message} (${err.fix})` : err.message });
    }
    bar?.increment();
  }
  bar?.stop();

  outcomes.sort((a, b) => a.line - b.line);
  const count = (status: Outcome['status']) => outcomes.filter((outcome) => outcome.status === status).length;
  const summary = { created: count('created'), skipped: count('skipped'), failed: count('failed'), badRows: count('bad-row') };
  emit(ctx, { summary, devices: outcomes }, () =>
    [
      table(
        ['LINE', 'DEVICE', 'RESULT', 'DETAIL'],
        outcomes.map((outcome) => [String(outcome.line), outcome.id, outcome.status, outcome.detail]),
      ),
      '',
      `${summary.created} created, ${summary.skipped} skipped, ${summary.failed} failed, ${summary.badRows} bad rows.`,
      // only the cloud knows the venues: without it no row's venue was checked (device create says the same)
      ...(cloud ? [] : ['Venues not checked and devices not registered (no --cloud-url): a re-run with --cloud-url does both.']),
    ].join('\n'),
  );
  if (summary.failed + summary.badRows > 0) {
    // the table is the report; this only sets the exit code without printing a second error
    throw new CliError('', EXIT.failure);
  }
}

/** A device skipped on re-run may have missed its registration when the cloud was down. */
async function finishRegistration(cloud: CloudClient | undefined, req: DeviceRequest): Promise<boolean> {
  if (!cloud) return false;
  const certPath = join(req.out, BUNDLE_FILES.cert);
  const certFingerprint = existsSync(certPath) ? fingerprintOf(readFileSync(certPath, 'utf8')) : undefined;
  const registration = await cloud.registerDevice({
    id: req.id,
    venueId: req.venueId,
    name: req.name,
    ...(certFingerprint ? { certFingerprint } : {}),
  });
  return registration.created;
}

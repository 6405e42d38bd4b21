import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CA_FILES, commonNameOf, createCa, fingerprintOf, loadCa } from '@smartstock/pki';
import { emit, type Ctx } from '../cli/output.js';

export interface CaInitOptions {
  caDir: string;
  name?: string;
}

/**
 * Creates the local CA once. Re-running keeps the existing one: a new CA
 * would silently orphan every device certificate it signed.
 */
export function caInit(ctx: Ctx, options: CaInitOptions): void {
  const dir = resolve(options.caDir);
  const existed = existsSync(join(dir, CA_FILES.cert));
  const ca = existed ? loadCa(dir) : createCa(dir, options.name);
  const result = {
    created: !existed,
    caDir: dir,
    caCert: join(dir, CA_FILES.cert),
    commonName: commonNameOf(ca.certPem),
    fingerprint: fingerprintOf(ca.certPem),
  };
  emit(ctx, result, () =>
    [
      existed ? `CA already exists in ${dir}; kept it.` : `Created a local CA in ${dir} (ca.key is 0600: keep it on this disk).`,
      `  certificate  ${result.caCert}`,
      `  sha256       ${result.fingerprint}`,
      `The cloud's embedded broker trusts this CA when it lives in <dataDir>/pki.`,
    ].join('\n'),
  );
}

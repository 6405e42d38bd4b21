import { join } from 'node:path';
import { createCa } from '@smartstock/pki';
import { startCloud, type RunningCloud } from '@smartstock/cloud';

type CloudConfig = Parameters<typeof startCloud>[0];

/**
 * The real cloud for a CLI test: PGlite in memory, a fresh CA under `dir`/cloud, the embedded broker on a free
 * port, argon2 at its cheapest, and `owner` as the first organisation's owner; `extra` adds to that.
 */
export function startTestCloud(
  dir: string,
  owner: { email: string; password: string; organisation: string },
  extra: Partial<CloudConfig> = {},
): Promise<RunningCloud> {
  const dataDir = join(dir, 'cloud');
  createCa(join(dataDir, 'pki'));
  return startCloud({
    http: { host: '127.0.0.1', port: 0 },
    database: { memory: true },
    dataDir,
    logLevel: 'silent',
    auth: { argon2: { memoryCost: 8, timeCost: 1 } },
    owner,
    broker: { embedded: { host: '127.0.0.1', port: 0 } },
    ...extra,
  });
}

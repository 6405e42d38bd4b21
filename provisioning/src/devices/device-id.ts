import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** Where this machine keeps the key its default device ids are derived with. */
export function deviceIdKeyPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.SMARTSTOCK_DEVICE_ID_KEY ?? join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'smartstock', 'device-id.key');
}

function machineKey(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch {
    mkdirSync(dirname(path), { recursive: true });
    try {
      writeFileSync(path, randomBytes(32), { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; // another run made it first: use theirs
    }
    return readFileSync(path);
  }
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/**
 * A thing name when none is given: the device name's slug and 12 characters (60 bits) of an HMAC
 * of venue and name under this machine's key, `Main bar` → `main-bar-k3v9q2m7x4pt`. Device ids are
 * global, so one that another organisation could guess could be registered by them first; the
 * same venue and name on the same machine give the same id, so a re-run still finds its device.
 */
export function deviceIdFrom(venueId: string, name: string, keyPath: string = deviceIdKeyPath()): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 100);
  const mac = createHmac('sha256', machineKey(keyPath)).update(`${venueId}\u0000${name}`).digest();
  const suffix = Array.from(mac.subarray(0, 12), (b) => BASE32[b & 31]).join('');
  return `${slug || 'edge'}-${suffix}`;
}

import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { writeSecret } from '@smartstock/pki';

/** One instance on its own keeps its JWT secret in the data directory; several instances share SMARTSTOCK_JWT_SECRET. */
export function jwtSecretFile(dataDir: string): string {
  const path = join(dataDir, 'jwt-secret');
  if (!existsSync(path)) writeSecret(path, randomBytes(48).toString('base64url'));
  return readFileSync(path, 'utf8').trim();
}

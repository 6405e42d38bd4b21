import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ensureCa, issueDeviceCertificate, issueServerCertificate, loadCa, writeSecret, type IssuedCertificate } from '@smartstock/pki';

/**
 * RSA key generation in node-forge takes seconds on a busy machine, so the
 * tests share one CA, broker certificate and device certificates, made once
 * per machine and copied into each test's data directory.
 */
const CACHE = join(tmpdir(), 'smartstock-cloud-test-pki-v1');

/** The folder of the shared CA (ca.crt, ca.key), the broker's certificate (broker.crt, broker.key) and the cached device certificates. */
export function ensureCache(): string {
  if (existsSync(join(CACHE, 'broker.crt'))) return CACHE;
  const tmp = `${CACHE}.${randomBytes(4).toString('hex')}`;
  const ca = ensureCa(tmp);
  const server = issueServerCertificate(ca, ['localhost', '127.0.0.1', '::1']);
  writeSecret(join(tmp, 'broker.key'), server.keyPem);
  writeFileSync(join(tmp, 'broker.crt'), server.certPem);
  try {
    renameSync(tmp, CACHE);
  } catch {
    // another worker won the race; use theirs
  }
  return CACHE;
}

/** Puts the shared CA and broker certificate where the embedded broker looks: `${dataDir}/pki`. */
export function seedPki(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true });
  cpSync(ensureCache(), join(dataDir, 'pki'), { recursive: true });
}

/** A device certificate (CN = thing name) from the shared CA, cached by name. */
export function deviceCert(thingName: string): IssuedCertificate & { caPem: string } {
  const dir = ensureCache();
  const file = join(dir, `device-${thingName}.json`);
  const caPem = readFileSync(join(dir, 'ca.crt'), 'utf8');
  if (existsSync(file)) return { ...(JSON.parse(readFileSync(file, 'utf8')) as IssuedCertificate), caPem };
  const cert = issueDeviceCertificate(loadCa(dir), thingName);
  const tmp = `${file}.${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, JSON.stringify(cert));
  renameSync(tmp, file);
  return { ...cert, caPem };
}

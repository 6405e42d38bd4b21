import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import forge from 'node-forge';

/**
 * The local certificate authority for the embedded and self-hosted brokers:
 * the same role AWS IoT's CA plays in production. The CA key never leaves
 * the disk it was made on (mode 0600).
 */
export interface CertificateAuthority {
  certPem: string;
  keyPem: string;
}

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
  /** SHA-256 of the DER certificate, hex: what the cloud records for revocation. */
  fingerprint: string;
}

export const CA_FILES = { cert: 'ca.crt', key: 'ca.key' } as const;

const THING_NAME = /^[a-zA-Z0-9:_-]{1,128}$/;

export function createCa(dir: string, commonName = 'SmartStock Local CA'): CertificateAuthority {
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048 });
  const cert = baseCert(keys.publicKey, commonName, 3650);
  cert.setIssuer(cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const ca = { certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
  mkdirSync(dir, { recursive: true });
  writeSecret(join(dir, CA_FILES.key), ca.keyPem);
  writeFileSync(join(dir, CA_FILES.cert), ca.certPem);
  return ca;
}

export function loadCa(dir: string): CertificateAuthority {
  const certPath = join(dir, CA_FILES.cert);
  const keyPath = join(dir, CA_FILES.key);
  if (!existsSync(certPath) || !existsSync(keyPath))
    throw new Error(`no CA in ${dir}: expected ${CA_FILES.cert} and ${CA_FILES.key} (run \`ca init\`)`);
  return { certPem: readFileSync(certPath, 'utf8'), keyPem: readFileSync(keyPath, 'utf8') };
}

/** Loads the CA in `dir`, creating it on first use. */
export function ensureCa(dir: string): CertificateAuthority {
  return existsSync(join(dir, CA_FILES.cert)) ? loadCa(dir) : createCa(dir);
}

/** A device certificate whose CN is the thing name: the broker takes the device's identity from it. */
export function issueDeviceCertificate(ca: CertificateAuthority, thingName: string, days = 3650): IssuedCertificate {
  if (!THING_NAME.test(thingName)) throw new Error(`invalid thing name ${JSON.stringify(thingName)}: expected 1-128 of [a-zA-Z0-9:_-]`);
  return issue(ca, thingName, days, [{ name: 'extKeyUsage', clientAuth: true }]);
}

/** A TLS server certificate for the broker or HTTPS, valid for the given host names and IP addresses. */
export function issueServerCertificate(
  ca: CertificateAuthority,
  hosts: string[] = ['localhost', '127.0.0.1', '::1'],
  days = 825,
): IssuedCertificate {
  const altNames = hosts.map((h) => (/^[\d.]+$|:/.test(h) ? { type: 7, ip: h } : { type: 2, value: h }));
  return issue(ca, hosts[0] ?? 'localhost', days, [
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames },
  ]);
}

/** SHA-256 fingerprint (hex) of a PEM certificate. */
export function fingerprintOf(certPem: string): string {
  const der = forge.asn1.toDer(forge.pki.certificateToAsn1(forge.pki.certificateFromPem(certPem))).getBytes();
  return forge.md.sha256.create().update(der).digest().toHex();
}

/** The CN of a PEM certificate's subject. */
export function commonNameOf(certPem: string): string | undefined {
  const v = forge.pki.certificateFromPem(certPem).subject.getField('CN')?.value;
  return typeof v === 'string' ? v : undefined;
}

export function writeSecret(path: string, pem: string): void {
  writeFileSync(path, pem, { mode: 0o600 });
  chmodSync(path, 0o600); // writeFileSync keeps an existing file's mode
}

function issue(ca: CertificateAuthority, commonName: string, days: number, extra: object[]): IssuedCertificate {
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const caKey = forge.pki.privateKeyFromPem(ca.keyPem);
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048 });
  const cert = baseCert(keys.publicKey, commonName, days);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    ...extra,
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  return { certPem, keyPem: forge.pki.privateKeyToPem(keys.privateKey), fingerprint: fingerprintOf(certPem) };
}

function baseCert(publicKey: forge.pki.PublicKey, commonName: string, days: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = '01' + randomBytes(15).toString('hex'); // positive, unique
  cert.validity.notBefore = new Date(Date.now() - 5 * 60_000); // tolerate a little clock skew on devices
  cert.validity.notAfter = new Date(Date.now() + days * 86_400_000);
  cert.setSubject([
    { name: 'commonName', value: commonName },
    { name: 'organizationName', value: 'SmartStock' },
  ]);
  return cert;
}

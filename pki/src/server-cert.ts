import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import forge from 'node-forge';
import { issueServerCertificate, writeSecret, type CertificateAuthority } from './ca.js';

export interface KeptServerCertificate {
  certPem: string;
  keyPem: string;
  /** new: there was none; reissued: the kept one lacked a name, or was not this CA's; kept: as it was */
  outcome: 'new' | 'reissued' | 'kept';
  /** the names a re-issue added to the kept certificate's */
  added: string[];
}

/** Whether the certificate passes a TLS client's hostname check for `name` (Node's own rules). */
export function certificateCovers(certPem: string, name: string): boolean {
  const cert = new X509Certificate(certPem);
  return (isIP(name) ? cert.checkIP(name) : cert.checkHost(name)) !== undefined;
}

/** The DNS names and IP addresses a certificate's subjectAltName lists. */
export function subjectNamesOf(certPem: string): string[] {
  const san = forge.pki.certificateFromPem(certPem).getExtension('subjectAltName') as
    { altNames?: { type: number; value?: string; ip?: string }[] } | undefined;
  return (san?.altNames ?? []).flatMap((n) => (n.type === 7 && n.ip ? [n.ip] : n.type === 2 && n.value ? [n.value] : []));
}

/**
 * The server certificate at certPath/keyPath, valid for every one of `names` and issued by `ca`.
 * A certificate is issued once and kept, so a device that pinned nothing but the CA keeps working;
 * a kept one that lacks a name now needed (the machine got another address, a technician added a
 * name) is re-issued from the same CA with its old names plus the new ones, so no name a device was
 * given stops working. One whose key does not match it, or that another CA issued, is re-issued too.
 */
export function ensureServerCertificate(
  ca: CertificateAuthority,
  paths: { cert: string; key: string },
  names: string[],
): KeptServerCertificate {
  const wanted = [...new Set(names)];
  if (!existsSync(paths.cert) || !existsSync(paths.key)) return { ...write(ca, paths, wanted), outcome: 'new', added: [] };
  const certPem = readFileSync(paths.cert, 'utf8');
  const keyPem = readFileSync(paths.key, 'utf8');
  const kept = keptNames(certPem);
  if (!usable(certPem, keyPem, ca)) return { ...write(ca, paths, [...new Set([...kept, ...wanted])]), outcome: 'reissued', added: [] };
  const added = wanted.filter((name) => !certificateCovers(certPem, name));
  if (added.length === 0) return { certPem, keyPem, outcome: 'kept', added };
  return { ...write(ca, paths, [...new Set([...kept, ...added])]), outcome: 'reissued', added };
}

const keptNames = (certPem: string): string[] => {
  try {
    return subjectNamesOf(certPem);
  } catch {
    return []; // not a certificate at all: only the names wanted now
  }
};

/** The key is the certificate's, and the certificate is this CA's (a CA made again leaves the old one behind). */
function usable(certPem: string, keyPem: string, ca: CertificateAuthority): boolean {
  try {
    const cert = new X509Certificate(certPem);
    const authority = new X509Certificate(ca.certPem);
    return cert.checkPrivateKey(createPrivateKey(keyPem)) && cert.checkIssued(authority) && cert.verify(authority.publicKey);
  } catch {
    return false;
  }
}

/** Issues and writes the pair; each file is replaced whole (rename), so a crash leaves the old one or the new one, never half. */
function write(ca: CertificateAuthority, paths: { cert: string; key: string }, names: string[]): { certPem: string; keyPem: string } {
  const issued = issueServerCertificate(ca, names);
  writeSecret(`${paths.key}.new`, issued.keyPem);
  writeFileSync(`${paths.cert}.new`, issued.certPem);
  renameSync(`${paths.key}.new`, paths.key);
  renameSync(`${paths.cert}.new`, paths.cert);
  return { certPem: issued.certPem, keyPem: issued.keyPem };
}

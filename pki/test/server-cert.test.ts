import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { certificateCovers, createCa, ensureServerCertificate, issueServerCertificate, subjectNamesOf } from '../src/index.js';

/**
 * The broker's certificate is issued once and kept; a name it must now answer to (the machine's LAN
 * address, a technician's --broker-name) re-issues it from the same CA, keeping every name it had.
 */
describe('the kept server certificate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'server-cert-'));
  const ca = createCa(dir);
  const caBefore = readFileSync(join(dir, 'ca.crt'), 'utf8');
  const paths = { cert: join(dir, 'broker.crt'), key: join(dir, 'broker.key') };
  const issuedByCa = (certPem: string) => new X509Certificate(certPem).checkIssued(new X509Certificate(ca.certPem));

  it('is issued once, then kept while it covers every name', () => {
    const first = ensureServerCertificate(ca, paths, ['localhost', '127.0.0.1', '::1']);
    expect(first.outcome).toBe('new');
    const again = ensureServerCertificate(ca, paths, ['localhost', '::1']);
    expect(again).toMatchObject({ outcome: 'kept', added: [], certPem: first.certPem });
  });

  it('is re-issued from the same CA when it lacks a name now needed, keeping the names it had', () => {
    const before = readFileSync(paths.cert, 'utf8');
    expect(certificateCovers(before, '192.0.2.10')).toBe(false);
    const reissued = ensureServerCertificate(ca, paths, ['localhost', '192.0.2.10', 'backbar-pc.lan']);
    expect(reissued.outcome).toBe('reissued');
    expect(reissued.added).toEqual(['192.0.2.10', 'backbar-pc.lan']);
    expect(readFileSync(paths.cert, 'utf8')).toBe(reissued.certPem);
    expect(reissued.certPem).not.toBe(before);
    for (const name of ['localhost', '127.0.0.1', '::1', '192.0.2.10', 'backbar-pc.lan'])
      expect(certificateCovers(reissued.certPem, name), name).toBe(true);
    expect(subjectNamesOf(reissued.certPem)).toEqual(['localhost', '127.0.0.1', '::1', '192.0.2.10', 'backbar-pc.lan']);
    // devices trust the CA, which stays as it was
    expect(readFileSync(join(dir, 'ca.crt'), 'utf8')).toBe(caBefore);
    expect(issuedByCa(reissued.certPem)).toBe(true);
    expect(new X509Certificate(reissued.certPem).checkPrivateKey(createPrivateKey(readFileSync(paths.key, 'utf8')))).toBe(true);
  });

  it("is re-issued when the kept one is another CA's, or does not match its key", () => {
    const other = createCa(mkdtempSync(join(tmpdir(), 'server-cert-other-')));
    writeFileSync(paths.cert, issueServerCertificate(other, ['localhost', 'old-name.lan']).certPem);
    const fromOther = ensureServerCertificate(ca, paths, ['localhost']);
    expect(fromOther).toMatchObject({ outcome: 'reissued', added: [] });
    expect(issuedByCa(fromOther.certPem)).toBe(true);
    expect(certificateCovers(fromOther.certPem, 'old-name.lan')).toBe(true);
    // a crash between the two renames: the new key beside the old certificate
    writeFileSync(paths.key, issueServerCertificate(ca, ['localhost']).keyPem);
    expect(ensureServerCertificate(ca, paths, ['localhost']).outcome).toBe('reissued');
    expect(ensureServerCertificate(ca, paths, ['localhost']).outcome).toBe('kept');
  });
});

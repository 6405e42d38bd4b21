import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, connect, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { commonNameOf, createCa, ensureCa, issueDeviceCertificate, issueServerCertificate, loadCa } from '../src/index.js';

describe('local CA', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ca-'));
  const ca = createCa(dir);

  it('keeps the CA key private on disk and loads it back', () => {
    expect(statSync(join(dir, 'ca.key')).mode & 0o777).toBe(0o600);
    expect(loadCa(dir)).toEqual(ca);
    expect(ensureCa(dir)).toEqual(ca);
    expect(() => loadCa(join(dir, 'nope'))).toThrow(/ca init/);
  });

  it('issues device certificates named by thing and refuses bad names', () => {
    const dev = issueDeviceCertificate(ca, 'bar-42-edge');
    expect(commonNameOf(dev.certPem)).toBe('bar-42-edge');
    expect(dev.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(() => issueDeviceCertificate(ca, 'bar/42')).toThrow(/invalid thing name/);
  });

  it('makes certificates that real TLS accepts for mutual auth, and rejects a foreign CA', async () => {
    const server = issueServerCertificate(ca);
    const dev = issueDeviceCertificate(ca, 'bar-42-edge');
    const foreign = issueDeviceCertificate(createCa(mkdtempSync(join(tmpdir(), 'ca2-'))), 'bar-42-edge');
    const srv = createServer(
      { key: server.keyPem, cert: server.certPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true },
      (s) => s.end(`hello ${String((s as TLSSocket).getPeerCertificate().subject?.CN)}`),
    );
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as AddressInfo).port;
    const talk = (c: { keyPem: string; certPem: string }) =>
      new Promise<string>((resolve, reject) => {
        const s = connect(
          { host: '127.0.0.1', port, servername: 'localhost', ca: ca.certPem, key: c.keyPem, cert: c.certPem },
          () => undefined,
        );
        let got = '';
        s.on('data', (d) => (got += d));
        s.on('end', () => resolve(got));
        s.on('error', reject);
      });
    try {
      expect(await talk(dev)).toBe('hello bar-42-edge');
      // TLS 1.3 refuses the client after the handshake: an error or an empty close, never a greeting
      expect(await talk(foreign).catch((e: Error) => e.message)).not.toMatch(/hello/);
    } finally {
      srv.close();
    }
  });
});

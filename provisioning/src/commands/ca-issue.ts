import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CA_FILES, fingerprintOf, issueDeviceCertificate, issueServerCertificate, loadCa, writeSecret } from '@smartstock/pki';
import { emit, type Ctx } from '../cli/output.js';
import { commaList, requireLocalCa } from '../cli/options.js';

export interface CaIssueOptions {
  caDir: string;
  out: string;
  /** File stem: `<name>.crt` and `<name>.key`. */
  name: string;
  /** Server: host names and IPs for the subjectAltName (first one is the CN). */
  hosts?: string;
  /** Client: the common name, which the broker takes as the client's identity. */
  cn?: string;
}

/**
 * Certificates the self-hosted stack needs beside the device ones: the broker's server
 * certificate, and the cloud's client certificate (CN `smartstock-cloud`, which Mosquitto's
 * ACL lets read every device). ca.crt is copied next to them so a container mounting only
 * this folder has everything it needs; the CA key never is.
 */
export function caIssue(kind: 'server' | 'client'): (ctx: Ctx, options: CaIssueOptions) => void {
  return (ctx, options) => {
    requireLocalCa(options.caDir);
    const ca = loadCa(resolve(options.caDir));
    const out = resolve(options.out);
    const hosts = commaList(options.hosts ?? 'localhost,127.0.0.1');
    const issued = kind === 'server' ? issueServerCertificate(ca, hosts) : issueDeviceCertificate(ca, options.cn ?? options.name);
    mkdirSync(out, { recursive: true, mode: 0o700 });
    const cert = join(out, `${options.name}.crt`);
    const key = join(out, `${options.name}.key`);
    writeSecret(key, issued.keyPem);
    writeSecret(cert, issued.certPem);
    copyFileSync(join(resolve(options.caDir), CA_FILES.cert), join(out, CA_FILES.cert));
    const result = {
      kind,
      cert,
      key,
      caCert: join(out, CA_FILES.cert),
      fingerprint: fingerprintOf(issued.certPem),
      ...(kind === 'server' ? { hosts } : { commonName: options.cn ?? options.name }),
    };
    emit(ctx, result, () =>
      [`Wrote the ${kind} certificate ${cert} and its key ${key} (0600).`, `  sha256  ${result.fingerprint}`].join('\n'),
    );
  };
}

import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CA_FILES, fingerprintOf, issueDeviceCertificate, issueServerCertificate, loadCa, writeSecret } from '@smartstock/pki';
import { emit, type Ctx } from '../cli/output.js';
import { commaList } from '../cli/options.js';

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
export function caIssue(kind: 'server' | 'client'): (ctx: Ctx, o: CaIssueOptions) => void {
  return (ctx, o) => {
    const ca = loadCa(resolve(o.caDir));
    const out = resolve(o.out);
    const hosts = commaList(o.hosts ?? 'localhost,127.0.0.1');
    const issued = kind === 'server' ? issueServerCertificate(ca, hosts) : issueDeviceCertificate(ca, o.cn ?? o.name);
    mkdirSync(out, { recursive: true, mode: 0o700 });
    const cert = join(out, `${o.name}.crt`);
    const key = join(out, `${o.name}.key`);
    writeSecret(key, issued.keyPem);
    writeSecret(cert, issued.certPem);
    copyFileSync(join(resolve(o.caDir), CA_FILES.cert), join(out, CA_FILES.cert));
    const result = {
      kind,
      cert,
      key,
      caCert: join(out, CA_FILES.cert),
      fingerprint: fingerprintOf(issued.certPem),
      ...(kind === 'server' ? { hosts } : { commonName: o.cn ?? o.name }),
    };
    emit(ctx, result, () =>
      [`Wrote the ${kind} certificate ${cert} and its key ${key} (0600).`, `  sha256  ${result.fingerprint}`].join('\n'),
    );
  };
}

import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

/** The self-hosted stack's broker and cloud certificates (docker/compose.yaml's `pki` step). */
describe('ca issue-server / issue-client', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'prov-issue-'));
  const caDir = join(tmp, 'pki');
  const out = join(tmp, 'certs');

  it('signs a server certificate for the given hosts and a client certificate whose CN is the identity', async () => {
    expect((await cli('ca', 'init', '--ca-dir', caDir, '--json')).code).toBe(0);
    const server = await cli('ca', 'issue-server', '--ca-dir', caDir, '--out', out, '--hosts', 'mosquitto,localhost,10.0.0.5', '--json');
    expect(server.code).toBe(0);
    const client = await cli(
      'ca',
      'issue-client',
      '--ca-dir',
      caDir,
      '--out',
      out,
      '--name',
      'cloud',
      '--cn',
      'smartstock-cloud',
      '--json',
    );
    expect(client.code).toBe(0);

    const ca = new X509Certificate(readFileSync(join(out, 'ca.crt')));
    const s = new X509Certificate(readFileSync(join(out, 'server.crt')));
    expect(s.verify(ca.publicKey)).toBe(true);
    expect(s.subjectAltName).toBe('DNS:mosquitto, DNS:localhost, IP Address:10.0.0.5');
    const c = new X509Certificate(readFileSync(join(out, 'cloud.crt')));
    expect(c.verify(ca.publicKey)).toBe(true);
    expect(c.subject).toContain('CN=smartstock-cloud');
    for (const key of ['server.key', 'cloud.key']) expect(statSync(join(out, key)).mode & 0o777).toBe(0o600);
  });

  it('names the missing CA instead of making a new one: a configuration mistake, exit 2 with the fix', async () => {
    const r = await cli('ca', 'issue-server', '--ca-dir', join(tmp, 'nowhere'), '--out', out, '--json');
    expect(r.code).toBe(2);
    expect(r.json).toMatchObject({ ok: false, error: `no local CA in ${join(tmp, 'nowhere')}`, fix: expect.stringContaining('ca init') });
  });
});

import { existsSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCa } from '@smartstock/pki';
import { createLocalDevice } from '../helpers/cli.js';

const VENUE = '6d1f3c1e-8a53-4c8e-9a43-2f7d0c1b9e11';

/**
 * What the technician reads when the cloud says no: the cloud's own reason and the fix for it, never its
 * raw JSON; a missing way to sign in is a missing flag (exit 2). Either way no bundle is left behind.
 */
describe('device create when the cloud refuses the technician', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'prov-refusals-'));
  const caDir = join(tmp, 'pki');
  let server: Server;
  let cloudUrl = '';
  beforeAll(async () => {
    createCa(caDir);
    // the cloud's answer to an owner still on the one-time password of the first start
    server = createServer((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          error: {
            code: 'password-change-required',
            message: 'choose your own password first (POST /api/v1/auth/password)',
            requestId: 'req-1',
          },
        }),
      );
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    cloudUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  const createAt = (url: string, id: string, ...auth: string[]) =>
    createLocalDevice({ id, venue: VENUE, caDir, mqttUrl: 'mqtts://localhost:8883', out: join(tmp, id) }, '--cloud-url', url, ...auth);
  const create = (id: string, ...auth: string[]) => createAt(cloudUrl, id, ...auth);

  it('says to change the one-time password, not that the token expired', async () => {
    const result = await create('bar-a', '--token', 'tok-of-a-one-time-password');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('choose your own password first');
    expect(result.stderr).toMatch(/fix: sign in to the dashboard once and choose your own password/);
    expect(result.stderr).not.toMatch(/expired|technician role/);
    expect(result.stderr).not.toContain('{"error"');
    expect(existsSync(join(tmp, 'bar-a'))).toBe(false);
  });

  it('says in plain words that nothing answers at the cloud address, or that it is no address (exit 2)', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const downUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((done) => closed.close(() => done()));
    const down = await createAt(downUrl, 'bar-c', '--token', 'tok');
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`nothing answers at ${downUrl} (connection refused)`);
    expect(down.stderr).toMatch(/fix: is the cloud running\?/);
    expect(down.stderr).not.toContain('fetch failed');
    expect(existsSync(join(tmp, 'bar-c'))).toBe(false);
    const typo = await createAt('cloud.example', 'bar-d', '--token', 'tok');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('--cloud-url cloud.example is not a web address');
  });

  it('says a web server that is not the cloud is not the cloud, without printing its page', async () => {
    const page = createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>Not here</body></html>'));
    await new Promise<void>((done) => page.listen(0, '127.0.0.1', done));
    const pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
    const answered = await createAt(pageUrl, 'bar-e', '--token', 'tok');
    await new Promise<void>((done) => page.close(() => done()));
    expect(answered.code).toBe(1);
    expect(answered.stderr).toContain("with text/html (HTTP 404), not the SmartStock cloud's JSON");
    expect(answered.stderr).not.toContain('<html>');
  });

  it('treats --cloud-url without a token or login as a usage error naming the flags', async () => {
    const result = await create('bar-b');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no cloud credentials for --cloud-url');
    expect(result.stderr).toMatch(/fix: give --token \(or SMARTSTOCK_TOKEN\), or --email and --password/);
    expect(existsSync(join(tmp, 'bar-b'))).toBe(false);
  });
});

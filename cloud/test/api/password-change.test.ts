import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCloud, type RunningCloud } from '../../src/server.js';
import { CHEAP_ARGON2 } from '../support/cloud.js';
import { seedPki } from '../support/pki.js';

/** Issue 24, finding 8: the first start's one-time owner password opens only the way to change it. */
describe('the one-time owner password', () => {
  let cloud: RunningCloud;
  const api = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(`${cloud.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cloud-otp-'));
    seedPki(dataDir);
    cloud = await startCloud({
      http: { host: '127.0.0.1', port: 0 },
      database: { memory: true },
      dataDir,
      logLevel: 'silent',
      auth: { argon2: CHEAP_ARGON2 },
      owner: { email: 'first@anchor.test', organisation: 'Harbour Bars Ltd' }, // no password: one is generated
      broker: { embedded: { host: '127.0.0.1', port: 0 } },
    });
  });
  afterAll(() => cloud?.stop());

  it('answers 403 password-change-required everywhere but me, change-password and logout, until it is changed', async () => {
    const otp = cloud.seededOwner!.oneTimePassword!;
    expect(otp).toBeTruthy();
    const session = (await api('POST', '/api/v1/auth/login', undefined, { email: 'first@anchor.test', password: otp })).body;
    const token = session.accessToken as string;
    expect(session.user.mustChangePassword).toBe(true);

    for (const [method, path, body] of [
      ['GET', '/api/v1/venues'],
      ['GET', '/api/v1/devices'],
      ['POST', '/api/v1/users', { email: 'x@anchor.test', name: 'x', password: 'a temporary password', role: 'owner' }],
      ['GET', '/api/v1/users'],
    ] as const) {
      const r = await api(method, path, token, body);
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.body.error.code).toBe('password-change-required');
    }
    expect((await api('GET', '/api/v1/auth/me', token)).status).toBe(200);

    expect((await api('POST', '/api/v1/auth/password', token, { password: 'my very own long password' })).status).toBe(204);
    // the same access token works at once: the check reads the database, not the token alone
    expect((await api('GET', '/api/v1/venues', token)).status).toBe(200);
    expect((await api('POST', '/api/v1/auth/logout', undefined, { refreshToken: session.refreshToken })).status).toBe(204);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestCloud } from '../support/cloud.js';
import { startOidcProvider, type TestOidcProvider } from '../support/oidc-provider.js';

/** Sign-in with a company account against a real (local) OpenID Connect provider. */
describe('OIDC sign-in', () => {
  let t: TestCloud;
  let idp: TestOidcProvider;
  let other: TestOidcProvider;
  beforeAll(async () => {
    t = await build();
    idp = await startOidcProvider();
    other = await startOidcProvider();
  });
  afterAll(async () => {
    await idp?.close();
    await other?.close();
    await t?.close();
  });

  const settings = (p: TestOidcProvider, over: object = {}) => ({
    issuer: p.issuer,
    clientId: p.clientId,
    clientSecret: p.clientSecret,
    allowedDomains: ['quayside.test'],
    defaultRole: 'bartender',
    ...over,
  });
  /** the browser's trip: start → issuer's authorize → back to the dashboard with ?code&state */
  const startAndAuthorize = async (email = idp.as.email) => {
    const start = await t.api('POST', '/api/v1/auth/oidc/start', { body: { email } });
    expect(start.status, JSON.stringify(start.body)).toBe(200);
    const auth = new URL(start.body.authorizationUrl);
    const res = await fetch(auth, { redirect: 'manual' });
    expect(res.status).toBe(302);
    return { auth, back: new URL(res.headers.get('location')!) };
  };
  const callback = (query: string) => t.api('POST', '/api/v1/auth/oidc/callback', { body: { query } });

  it('answers "not configured" (200, not 404) before an issuer is set up, so the page has no error to show', async () => {
    const r = await t.api('GET', '/api/v1/organisation/oidc', { token: t.ownerToken });
    expect([r.status, r.body]).toEqual([200, { configured: false }]);
  });

  it('lets the owner configure an issuer; the secret is sealed and never returned', async () => {
    const r = await t.api('PUT', '/api/v1/organisation/oidc', { token: t.ownerToken, body: settings(idp) });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ configured: true, issuer: idp.issuer, allowedDomains: ['quayside.test'], defaultRole: 'bartender' });
    expect((await t.api('GET', '/api/v1/organisation/oidc', { token: t.ownerToken })).body).toMatchObject({
      configured: true,
      issuer: idp.issuer,
    });
    expect(r.body.redirectUri).toBe(`${t.cloud.url}/`);
    expect(JSON.stringify(r.body)).not.toContain(idp.clientSecret);
    const { rows } = await t.cloud.db.query<{ s: string }>('SELECT client_secret_sealed AS s FROM oidc_issuers');
    expect(rows[0]!.s).toMatch(/^v1\./);
    expect(rows[0]!.s).not.toContain(idp.clientSecret);
    expect((await t.api('GET', '/api/v1/organisation/oidc', { token: await t.userWithRole('manager') })).status).toBe(403);
    // an issuer that does not answer discovery is refused when saved
    const bad = await t.api('PUT', '/api/v1/organisation/oidc', {
      token: t.ownerToken,
      body: settings(idp, { issuer: 'http://127.0.0.1:9/nothing-here' }),
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'oidc-discovery-failed', field: 'issuer' });
  });

  it('signs in with PKCE, state and nonce; the first sign-in of an allowed domain joins with the default role', async () => {
    const { auth, back } = await startAndAuthorize();
    expect(auth.origin).toBe(idp.issuer);
    expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
    for (const k of ['state', 'nonce', 'code_challenge']) expect(auth.searchParams.get(k)?.length, k).toBeGreaterThanOrEqual(22);
    expect(back.origin + back.pathname).toBe(`${t.cloud.url}/`);
    const r = await callback(back.search);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.user).toMatchObject({ email: 'alex@quayside.test', name: 'Alex Example', role: 'bartender', orgId: t.demo.orgId });
    expect((await t.api('GET', '/api/v1/venues', { token: r.body.accessToken })).status).toBe(200);
    // the same callback again: its state was used
    const replay = await callback(back.search);
    expect(replay.status).toBe(400);
    expect(replay.body.error.code).toBe('oidc-state-mismatch');
    // a second sign-in finds the member, no second account
    const again = await callback((await startAndAuthorize()).back.search);
    expect(again.body.user.id).toBe(r.body.user.id);
    // the password sign-in stays closed to a company account
    expect((await t.api('POST', '/api/v1/auth/login', { body: { email: 'alex@quayside.test', password: 'anything at all' } })).status).toBe(
      401,
    );
  });

  it('refuses a callback with a wrong state', async () => {
    const { back } = await startAndAuthorize();
    back.searchParams.set('state', 'forged-state-value-000000000');
    const r = await callback(back.search);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('oidc-state-mismatch');
    expect(r.body.error.message).toMatch(/state/);
  });

  it('refuses an ID token with a wrong nonce', async () => {
    idp.tamper.nonce = 'a-nonce-from-another-sign-in';
    try {
      const r = await callback((await startAndAuthorize()).back.search);
      expect(r.status, JSON.stringify(r.body)).toBe(401);
      expect(r.body.error.code).toBe('oidc-nonce-mismatch');
    } finally {
      delete idp.tamper.nonce;
    }
  });

  it('refuses a token from an issuer not configured for the organisation', async () => {
    idp.tamper.iss = other.issuer;
    try {
      const r = await callback((await startAndAuthorize()).back.search);
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('oidc-issuer-mismatch');
      expect(r.body.error.message).toContain(idp.issuer);
    } finally {
      delete idp.tamper.iss;
    }
  });

  it('refuses an e-mail outside the allowed domains, and an unknown domain at the start', async () => {
    idp.as = { sub: 'user-2', email: 'eve@elsewhere.test' };
    try {
      const r = await callback((await startAndAuthorize('someone@quayside.test')).back.search);
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('oidc-domain-not-allowed');
    } finally {
      idp.as = { sub: 'user-1', email: 'alex@quayside.test', name: 'Alex Example' };
    }
    const start = await t.api('POST', '/api/v1/auth/oidc/start', { body: { email: 'x@unknown.test' } });
    expect(start.status).toBe(404);
    expect(start.body.error).toMatchObject({ code: 'oidc-not-configured', field: 'email' });
  });

  it('keeps a domain to one organisation', async () => {
    const b = await t.otherOrg();
    const r = await t.api('PUT', '/api/v1/organisation/oidc', { token: b.token, body: settings(other) });
    expect(r.status).toBe(409);
    expect(r.body.error.field).toBe('allowedDomains');
  });
});

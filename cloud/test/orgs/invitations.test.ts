import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestCloud } from '../support/cloud.js';

const PASSWORD = 'an invited long password';

describe('invitations by link', () => {
  let t: TestCloud;
  beforeAll(async () => {
    t = await build();
  });
  afterAll(() => t?.close());

  const invite = (body: unknown, token = t.ownerToken) => t.api('POST', '/api/v1/invitations', { token, body });
  const accept = (token: string, name = 'Ivy') =>
    t.api('POST', '/api/v1/invitations/accept', { body: { token, name, password: PASSWORD } });

  it('invites with a role and an expiry; accepting sets a password and joins the organisation, once', async () => {
    const made = await invite({ email: 'Ivy@Anchor.test', role: 'bartender', expiresInHours: 48 });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ email: 'ivy@anchor.test', role: 'bartender', status: 'pending' });
    expect(new Date(made.body.expiresAt).getTime() - Date.now()).toBeGreaterThan(47 * 3_600_000);
    expect(made.body.link).toBe(`${t.cloud.url}/#/invite/${made.body.token}`);
    // the token is never stored in clear
    const stored = await t.cloud.db.query<{ token_hash: string }>('SELECT token_hash FROM invitations WHERE id = $1', [made.body.id]);
    expect(stored.rows[0]!.token_hash).not.toContain(made.body.token);

    const preview = await t.api('POST', '/api/v1/invitations/preview', { body: { token: made.body.token } });
    expect(preview.body).toMatchObject({ organisation: 'Harbour Bars Ltd', email: 'ivy@anchor.test', role: 'bartender' });
    const joined = await accept(made.body.token);
    expect(joined.status).toBe(201);
    expect(joined.body.user).toMatchObject({ email: 'ivy@anchor.test', name: 'Ivy', role: 'bartender', orgId: t.demo.orgId });
    expect((await t.api('GET', '/api/v1/venues', { token: joined.body.accessToken })).body).toHaveLength(1);
    expect(await t.login('ivy@anchor.test', PASSWORD)).toBeTruthy();
    const listed = await t.api('GET', '/api/v1/invitations', { token: t.ownerToken });
    expect(listed.body.find((i: { id: string }) => i.id === made.body.id).status).toBe('accepted');

    // reused: a clear error, and nothing changes
    const again = await accept(made.body.token, 'Mallory');
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('invitation-used');
    expect(again.body.error.message).toMatch(/already used/);
    expect((await t.api('POST', '/api/v1/invitations/preview', { body: { token: made.body.token } })).body.error.code).toBe(
      'invitation-used',
    );
  });

  it('refuses an expired, a revoked and an unknown link with errors that say which', async () => {
    const expired = await invite({ email: 'late@anchor.test', role: 'manager' });
    await t.cloud.db.query(`UPDATE invitations SET expires_at = now() - interval '1 second' WHERE id = $1`, [expired.body.id]);
    const late = await accept(expired.body.token);
    expect(late.status).toBe(410);
    expect(late.body.error).toMatchObject({ code: 'invitation-expired' });
    expect(late.body.error.message).toMatch(/expired on .*ask for a new one/);
    expect((await t.cloud.db.query('SELECT 1 FROM users WHERE email = $1', ['late@anchor.test'])).rows).toEqual([]);

    const revoked = await invite({ email: 'nope@anchor.test', role: 'technician' });
    expect((await t.api('DELETE', `/api/v1/invitations/${revoked.body.id}`, { token: t.ownerToken })).status).toBe(204);
    expect((await t.api('DELETE', `/api/v1/invitations/${revoked.body.id}`, { token: t.ownerToken })).body.error.code).toBe(
      'invitation-closed',
    );
    expect((await accept(revoked.body.token)).body.error.code).toBe('invitation-revoked');

    const unknown = await accept('not-a-real-token');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('invitation-not-found');
    expect(
      (await t.api('POST', '/api/v1/invitations/accept', { body: { token: 'x', name: 'x', password: 'short' } })).body.error.field,
    ).toBe('body.password');
  });

  it('lets managers invite every role but owner, and nobody else invite', async () => {
    const manager = await t.userWithRole('manager');
    expect((await invite({ email: 'bar@anchor.test', role: 'bartender' }, manager)).status).toBe(201);
    const owner = await invite({ email: 'boss@anchor.test', role: 'owner' }, manager);
    expect(owner.status).toBe(403);
    expect(owner.body.error.message).toMatch(/only an owner/);
    expect((await invite({ email: 'b2@anchor.test', role: 'bartender' }, await t.userWithRole('bartender'))).status).toBe(403);
    expect((await invite({ email: 'not-an-email', role: 'bartender' })).body.error.field).toBe('body.email');
  });

  it('refuses an invitation for an e-mail that has an account already', async () => {
    const made = await invite({ email: 'owner@anchor.test', role: 'manager' });
    const r = await accept(made.body.token);
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('email-taken');
  });
});

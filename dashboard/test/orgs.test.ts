// Sign-up and invitations end to end: real Chromium against the real cloud and the built dashboard.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, SHOTS } from './support/browser';
import { startStack, type Stack } from './support/stack';
import { startOidcProvider } from '../../cloud/test/support/oidc-provider';

const FOUNDER = {
  organisation: 'Quayside Taverns',
  name: 'Quinn Founder',
  email: 'quinn@quayside.test',
  password: 'quinn’s long password',
};
const MANAGER = { name: 'Mo Manager', password: 'mo’s own long password' };

describe('sign-up and invitations in the dashboard', () => {
  let s: Stack;
  let browser: Browser;
  const shot = (p: Page, name: string) => p.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });
  const fresh = async () => (await browser.newContext({ viewport: { width: 1100, height: 800 } })).newPage();

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    s = await startStack();
    browser = await launchChromium();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  }, 60_000);

  let link = '';
  it('signs up a new organisation from the sign-in page and lands in it as its owner', async () => {
    const page = await fresh();
    await page.goto(`${s.url}/#/`);
    await page.getByRole('link', { name: 'Create an organisation' }).click();
    await page.getByRole('heading', { name: 'Create your organisation' }).waitFor();
    await page.getByLabel('Organisation', { exact: true }).fill(FOUNDER.organisation);
    await page.getByLabel('Your name', { exact: true }).fill(FOUNDER.name);
    await page.getByLabel('Email', { exact: true }).fill(FOUNDER.email);
    await page.getByLabel('Password', { exact: true }).fill('short');
    await shot(page, 'signup-form');
    // the browser's own check stops a short password; the cloud's is the API test's
    await page.getByRole('button', { name: 'Create organisation' }).click();
    expect(await page.getByLabel('Password', { exact: true }).evaluate((i: HTMLInputElement) => i.validity.tooShort)).toBe(true);
    await page.getByLabel('Password', { exact: true }).fill(FOUNDER.password);
    await page.getByRole('button', { name: 'Create organisation' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await expect.poll(() => page.locator('.who').textContent()).toContain(`${FOUNDER.name} · owner`);
    const me = await s.api('GET', '/api/v1/organisation', undefined, await s.login(FOUNDER.email, FOUNDER.password));
    expect(me.body.name).toBe(FOUNDER.organisation);
    expect(me.body.id).not.toBe(s.demo.orgId);
    await shot(page, 'signup-done');
    // signed in, the sign-up page says so instead of making a second organisation
    await page.goto(`${s.url}/#/signup`);
    await page.getByText('Sign out first to create another organisation').waitFor();

    // the owner invites a manager by link
    await page.goto(`${s.url}/#/people`);
    await page.getByRole('heading', { name: 'Invite by link' }).waitFor();
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Invite by link' }) });
    await form.getByLabel('E-mail', { exact: true }).fill('mo@quayside.test');
    await form.getByRole('combobox').selectOption('manager');
    await form.getByLabel('Valid for (days)', { exact: true }).fill('2');
    await form.getByRole('button', { name: 'Create link' }).click();
    link = await page.getByLabel('Invitation link', { exact: true }).inputValue();
    expect(link).toMatch(/\/#\/invite\/[A-Za-z0-9_-]{20,}$/);
    await page.locator('tr[data-invitation="mo@quayside.test"]').waitFor();
    await shot(page, 'invite-created');
    await page.context().close();
  }, 90_000);

  it('accepting the link sets a password and joins the organisation; the link then says it was used', async () => {
    const token = link.split('/#/invite/')[1]!;
    const page = await fresh();
    await page.goto(`${s.url}/#/invite/${token}`);
    await page.getByText('You are invited to').waitFor();
    expect(await page.locator('form').textContent()).toContain(`${FOUNDER.organisation} as manager`);
    await page.getByLabel('Your name', { exact: true }).fill(MANAGER.name);
    await page.getByLabel('Choose a password', { exact: true }).fill(MANAGER.password);
    await shot(page, 'invite-accept');
    await page.getByRole('button', { name: 'Join' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await expect.poll(() => page.locator('.who').textContent()).toContain(`${MANAGER.name} · manager`);
    await page.context().close();

    const again = await fresh();
    await again.goto(`${s.url}/#/invite/${token}`);
    const alert = again.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/already used/);
    expect(await again.getByRole('button', { name: 'Join' }).count()).toBe(0);
    await shot(again, 'invite-reused');
    await again.context().close();
  }, 90_000);

  it('an expired link says so and offers no form', async () => {
    const owner = await s.login(FOUNDER.email, FOUNDER.password);
    const made = await s.api('POST', '/api/v1/invitations', { email: 'late@quayside.test', role: 'bartender', expiresInHours: 1 }, owner);
    await s.cloud.db.query(`UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE id = $1`, [made.body.id]);
    const page = await fresh();
    await page.goto(`${s.url}/#/invite/${made.body.token}`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/expired on .*ask for a new one/);
    await shot(page, 'invite-expired');
    await page.context().close();
  }, 60_000);

  it('signs in with a company account: the first sign-in of an allowed domain joins with the default role', async () => {
    const idp = await startOidcProvider();
    idp.as = { sub: 'kim-1', email: 'kim@quayside.test', name: 'Kim Company' };
    try {
      const owner = await s.login(FOUNDER.email, FOUNDER.password);
      const body = {
        issuer: idp.issuer,
        clientId: idp.clientId,
        clientSecret: idp.clientSecret,
        allowedDomains: ['quayside.test'],
        defaultRole: 'technician',
      };
      expect((await s.api('PUT', '/api/v1/organisation/oidc', body, owner)).status).toBe(200);
      const page = await fresh();
      // the issuer sends the browser back to the cloud's address; here the dashboard is served by Vite beside it, so it goes on there
      const cloud = new URL(s.cloud.url);
      await page.goto(`${s.url}/#/`);
      await page.getByRole('button', { name: 'Sign in with your company account' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/work e-mail first/);
      await page.getByLabel('Email', { exact: true }).fill('kim@quayside.test');
      await shot(page, 'oidc-signin');
      await page.getByRole('button', { name: 'Sign in with your company account' }).click();
      await page.waitForURL((u) => u.host === cloud.host && u.searchParams.has('code'));
      await page.goto(`${s.url}/${new URL(page.url()).search}`);
      await page.getByRole('navigation', { name: 'Main' }).waitFor();
      await expect.poll(() => page.locator('.who').textContent()).toContain('Kim Company · technician');
      expect(new URL(page.url()).search).toBe('');
      await shot(page, 'oidc-done');
      await page.context().close();
    } finally {
      await idp.close();
    }
  }, 90_000);
});

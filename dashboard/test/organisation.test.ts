// Issue 29: the owner's organisation page (export with its files, company sign-in, deletion) in
// real Chromium against the real cloud, at 390 px and on a desktop, screenshots in test/screenshots/.
import { mkdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { phoneAndDesktop, sidewaysOverflow, SHOTS, type PhoneAndDesktop } from './support/browser';
import { OWNER, startStack, type Stack } from './support/stack';
import { startOidcProvider, type TestOidcProvider } from '../../cloud/test/support/oidc-provider';

describe('the organisation page', () => {
  let s: Stack;
  let screens: PhoneAndDesktop | undefined;
  let idp: TestOidcProvider;
  const shot = (p: Page, name: string) => p.screenshot({ path: `${SHOTS}29-${name}.png`, fullPage: true });
  const open = async (p: Page, screen: 'phone' | 'desktop') => {
    if (screen === 'phone') {
      // on a phone the page sits behind "More" in the bottom bar
      await p.goto(`${s.url}/#/`);
      await p.getByRole('button', { name: 'More' }).click();
      await p.getByRole('link', { name: 'Organisation' }).click();
    } else {
      await p.goto(`${s.url}/#/`);
      await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Organisation' }).click();
    }
    await p.getByRole('heading', { name: 'Export all data' }).waitFor();
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    [s, idp] = await Promise.all([startStack(), startOidcProvider()]);
    screens = await phoneAndDesktop(s.url, OWNER);
  }, 240_000);
  afterAll(async () => {
    await screens?.close();
    await idp?.close();
    await s?.close();
  }, 60_000);

  it('starts an export, follows it, and downloads one tar with the data and the stored files', async () => {
    const key = `org/${s.demo.orgId}/snapshot/anchor-edge-1/cam-1/shelf.jpg`;
    await s.cloud.blobs.put(key, Buffer.from('a stored snapshot'), 'image/jpeg');
    await screens!.each(async (p, screen) => {
      await open(p, screen);
      await p.getByRole('button', { name: /Start (an|a new) export/ }).click();
      await p.locator('.job[data-status="done"]').waitFor();
      expect(await p.locator('.job').textContent()).toMatch(/\d+ tables · \d+ rows · 1 file \(/);
      await shot(p, `export-${screen}`);
      const [download] = await Promise.all([
        p.waitForEvent('download'),
        p.getByRole('button', { name: 'Download everything (.tar)' }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^smartstock-export-.*\.tar$/);
      const tar = readFileSync((await download.path())!);
      // a ustar archive: the first entry's name, its magic, and the stored file's bytes inside
      expect(tar.subarray(0, 11).toString()).toBe('export.json');
      expect(tar.subarray(257, 262).toString()).toBe('ustar');
      expect(tar.includes(Buffer.from('a stored snapshot'))).toBe(true);
      expect(await sidewaysOverflow(p)).toBe(0);
      // coming back shows the last export, still downloadable
      await p.reload();
      await p.locator('.job[data-status="done"]').waitFor();
    });
  }, 120_000);

  it('sets up company sign-in with a write-only secret, shows the redirect URI and makes a test sign-in link', async () => {
    const p = screens!.pages.desktop;
    await open(p, 'desktop');
    const form = p.locator('form', { has: p.getByRole('heading', { name: 'Sign-in with a company account' }) });
    await form.getByLabel('Issuer URL').fill(idp.issuer);
    await form.getByLabel('Client ID').fill(idp.clientId);
    await form.getByLabel('Client secret').fill(idp.clientSecret);
    await form.getByLabel('Allowed e-mail domains').fill('anchor.test, Anchor-Group.test');
    await form.getByLabel('Default role').selectOption('technician');
    await form.getByRole('button', { name: 'Turn on company sign-in' }).click();
    await form.getByRole('button', { name: 'Save changes' }).waitFor();
    // the secret is never shown back, not even after saving
    expect(await form.getByLabel('Client secret').inputValue()).toBe('');
    expect(await form.getByLabel('Redirect URI to register at the issuer').inputValue()).toMatch(/^http:\/\/.+\/$/);
    const saved = await s.api('GET', '/api/v1/organisation/oidc', undefined, await s.login(OWNER.email, OWNER.password));
    expect(saved.body).toMatchObject({
      issuer: idp.issuer,
      allowedDomains: ['anchor.test', 'anchor-group.test'],
      defaultRole: 'technician',
    });
    expect(JSON.stringify(saved.body)).not.toContain(idp.clientSecret);

    const test = p.locator('form', { has: p.getByRole('heading', { name: 'Test the sign-in' }) });
    await test.getByLabel('Work e-mail').fill('someone@elsewhere.test');
    await test.getByRole('button', { name: 'Make a test link' }).click();
    await test.getByRole('alert').waitFor();
    await test.getByLabel('Work e-mail').fill('kim@anchor.test');
    await test.getByRole('button', { name: 'Make a test link' }).click();
    const link = test.getByRole('link', { name: "Open the issuer's sign-in page" });
    await link.waitFor();
    expect(await link.getAttribute('href')).toMatch(new RegExp(`^${idp.issuer.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*code_challenge=`));
    await shot(p, 'oidc-desktop');

    // a wrong secret is the issuer's business at sign-in; a wrong issuer is refused when saved
    await form.getByLabel('Issuer URL').fill('http://127.0.0.1:9/nothing-here');
    await form.getByLabel('Client secret').fill('x');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.getByRole('alert').waitFor();

    const phone = screens!.pages.phone;
    await open(phone, 'phone');
    await phone.getByLabel('Redirect URI to register at the issuer').waitFor();
    expect(await sidewaysOverflow(phone)).toBe(0);
    await shot(phone, 'oidc-phone');
  }, 90_000);

  it('schedules the deletion only with the name typed exactly, shows the grace period, and cancels it', async () => {
    await screens!.each(async (p, screen) => {
      await open(p, screen);
      const zone = p.getByRole('region', { name: 'Delete the organisation' });
      const button = zone.getByRole('button', { name: 'Delete the organisation' });
      await zone.getByLabel(/to confirm/).fill('harbour bars');
      expect(await button.isDisabled()).toBe(true);
      await zone.getByLabel(/to confirm/).fill('Harbour Bars Ltd');
      expect(await button.isDisabled()).toBe(false);
      await button.click();
      await zone.getByText(/and all its data will be deleted on/).waitFor();
      const due = (await s.api('GET', '/api/v1/organisation', undefined, await s.login(OWNER.email, OWNER.password))).body.deletionDueAt;
      expect(Date.parse(due)).toBeGreaterThan(Date.now() + 86_400_000);
      expect(await sidewaysOverflow(p)).toBe(0);
      await shot(p, `deletion-${screen}`);
      await zone.getByRole('button', { name: 'Cancel the deletion' }).click();
      await zone.getByLabel(/to confirm/).waitFor();
      expect(
        (await s.api('GET', '/api/v1/organisation', undefined, await s.login(OWNER.email, OWNER.password))).body.deletionDueAt,
      ).toBeNull();
    });
  }, 90_000);
});

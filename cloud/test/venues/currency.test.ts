import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestCloud } from '../support/cloud.js';

/** Money's currency: the organisation's (owner), a venue's own (owner, manager), each an ISO 4217 code checked. */
describe('currency: organisation default, venue override', () => {
  let t: TestCloud;
  let manager = '';
  let bartender = '';
  beforeAll(async () => {
    t = await build();
    manager = await t.userWithRole('manager');
    bartender = await t.userWithRole('bartender');
  });
  afterAll(() => t?.close());
  const venue = async (token = t.ownerToken) => (await t.api('GET', `/api/v1/venues/${t.demo.venueId}`, { token })).body;

  it('an organisation keeps its money in euros until its owner says otherwise; a sign-up may say at once', async () => {
    expect((await t.api('GET', '/api/v1/organisation', { token: manager })).body.currency).toBe('EUR');
    const up = await t.api('POST', '/api/v1/signup', {
      body: {
        organisation: 'Quayside Taverns',
        currency: 'usd',
        name: 'Quinn',
        email: 'quinn@quayside.test',
        password: 'a long signup password',
      },
    });
    expect(up.status).toBe(201);
    expect((await t.api('GET', '/api/v1/organisation', { token: up.body.accessToken })).body.currency).toBe('USD');
    const bad = await t.api('POST', '/api/v1/signup', {
      body: { organisation: 'X', currency: 'dollars', name: 'X', email: 'x@x.test', password: 'a long signup password' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('body.currency');
  });

  it('the demo venue in London sets its own (GBP); cleared, it follows the organisation', async () => {
    expect(await venue()).toMatchObject({ currency: 'GBP', currencyOverride: 'GBP' });
    const cleared = await t.api('PATCH', `/api/v1/venues/${t.demo.venueId}`, { token: manager, body: { currency: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ currency: 'EUR', currencyOverride: null });

    const org = await t.api('PATCH', '/api/v1/organisation', { token: t.ownerToken, body: { currency: 'chf' } });
    expect(org.status).toBe(200);
    expect(org.body.currency).toBe('CHF');
    expect((await t.api('GET', '/api/v1/venues', { token: bartender })).body[0]).toMatchObject({ currency: 'CHF', currencyOverride: null });

    const own = await t.api('PATCH', `/api/v1/venues/${t.demo.venueId}`, { token: manager, body: { currency: 'gbp' } });
    expect(own.body).toMatchObject({ currency: 'GBP', currencyOverride: 'GBP' });
    expect(await venue(bartender)).toMatchObject({ currency: 'GBP', currencyOverride: 'GBP' });
    // what changed is in the audit log
    const audit = await t.api('GET', '/api/v1/audit?entity=organisation', { token: t.ownerToken });
    expect(JSON.stringify(audit.body)).toContain('CHF');
  });

  it('refuses a code that is no ISO 4217 currency, naming the field, and lets only the owner set the organisation’s', async () => {
    for (const currency of ['EURO', 'XYZ', '€', '', 12]) {
      const org = await t.api('PATCH', '/api/v1/organisation', { token: t.ownerToken, body: { currency } });
      expect(org.status, String(currency)).toBe(400);
      expect(org.body.error.field).toBe('body.currency');
      const v = await t.api('PATCH', `/api/v1/venues/${t.demo.venueId}`, { token: manager, body: { currency } });
      expect(v.status, String(currency)).toBe(400);
      expect(v.body.error.field).toBe('body.currency');
      if (typeof currency === 'string') expect(v.body.error.message).toMatch(/ISO 4217/);
    }
    expect((await t.api('PATCH', '/api/v1/organisation', { token: manager, body: { currency: 'USD' } })).status).toBe(403);
    expect((await t.api('PATCH', `/api/v1/venues/${t.demo.venueId}`, { token: bartender, body: { currency: 'USD' } })).status).toBe(403);
    expect((await t.api('GET', '/api/v1/organisation', { token: manager })).body.currency).toBe('CHF');
  });
});

// What a manager does to the catalogue from the dashboard: items, their barcodes, suppliers'
// codes and par levels, and "order 2 cases of …" onto a draft order; every refusal says why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestCloud } from '../support/cloud.js';

const NEW_EAN = '4006381333931';

describe('catalogue API: items, barcodes, supplier codes, par levels', () => {
  let t: TestCloud;
  const call = (method: string, path: string, body?: unknown, token = t.ownerToken) => t.api(method, `/api/v1${path}`, { token, body });
  beforeAll(async () => {
    t = await build();
  });
  afterAll(() => t?.close());

  it('creates an item with barcode and par levels, then edits them', async () => {
    const made = await call('POST', '/inventory/items', {
      sku: 'MONKEY47-500',
      name: 'Monkey 47 Gin',
      category: 'gin',
      barcode: ' 4260107640011 ',
      bottleSizeMl: 500,
      locations: [{ locationId: t.demo.locations.mainBar, parLevel: 4, reorderPoint: 1 }],
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ barcode: '4260107640011', locations: [{ parLevel: 4, reorderPoint: 1 }] });
    const edited = await call('PATCH', `/inventory/items/${made.body.id}`, {
      name: 'Monkey 47 Schwarzwald Dry Gin',
      locations: [{ locationId: t.demo.locations.mainBar, parLevel: 6, reorderPoint: 2 }],
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ name: 'Monkey 47 Schwarzwald Dry Gin', locations: [{ parLevel: 6, reorderPoint: 2 }] });
    const scan = await call('POST', '/inventory/scan', { barcode: '4260107640011' });
    expect(scan.body.item.id).toBe(made.body.id);
  });

  it('refuses a barcode another item has (its zero-padded twin too), a bad check digit and a reorder point above par', async () => {
    const dup = await call('POST', '/inventory/items', { sku: 'DUP-1', name: 'Dup', barcode: '8002230000302' });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({
      code: 'conflict',
      field: 'barcode',
      message: 'the barcode 8002230000302 is already on "Aperol"',
    });
    // Tito's is stored as UPC-A 619947000020; the EAN-13 reading of the same label is the same barcode
    const twin = await call('PATCH', `/inventory/items/${t.demo.items['JAMESON-750']}`, { barcode: '0619947000020' });
    expect(twin.status).toBe(409);
    expect(twin.body.error.message).toContain("Tito's Handmade Vodka");
    const typo = await call('POST', '/inventory/items', { sku: 'TYPO-1', name: 'Typo', barcode: '4006381333932' });
    expect(typo.status).toBe(400);
    expect(typo.body.error).toMatchObject({
      field: 'barcode',
      message: '4006381333932 is not a valid barcode: its last digit should be 1; check the digits',
    });
    const par = await call('PATCH', `/inventory/items/${t.demo.items['JAMESON-750']}`, {
      locations: [{ locationId: t.demo.locations.mainBar, parLevel: 2, reorderPoint: 5 }],
    });
    expect(par.status).toBe(400);
    expect(par.body.error).toMatchObject({ field: 'locations.0.reorderPoint' });
    expect(par.body.error.message).toMatch(/reorder point \(5\) is above the par level \(2\)/);
    const negative = await call('PATCH', `/inventory/items/${t.demo.items['JAMESON-750']}`, {
      locations: [{ locationId: t.demo.locations.mainBar, parLevel: -1, reorderPoint: 0 }],
    });
    expect(negative.status).toBe(400);
    expect(negative.body.error.field).toContain('parLevel');
    // nothing changed
    const jameson = await call('GET', `/inventory/items/${t.demo.items['JAMESON-750']}`);
    expect(jameson.body.barcode).toBe('080432400432');
    expect(jameson.body.locations.find((l: { locationId: string }) => l.locationId === t.demo.locations.mainBar)).toMatchObject({
      parLevel: 6,
      reorderPoint: 2,
    });
  });

  it('attaches a scanned barcode to an item: the scan then finds it; removing it, and the audit trail', async () => {
    const aperol = t.demo.items['APEROL-1000']!;
    expect((await call('POST', '/inventory/scan', { barcode: NEW_EAN })).status).toBe(404);
    const added = await call('POST', `/inventory/items/${aperol}/barcodes`, { barcode: NEW_EAN });
    expect(added.status).toBe(200);
    expect(added.body.barcodes).toEqual([
      { barcode: '8002230000302', primary: true },
      { barcode: NEW_EAN, primary: false },
    ]);
    expect((await call('POST', '/inventory/scan', { barcode: NEW_EAN })).body.item.id).toBe(aperol);
    // the same again is a no-op; on another item it is a 409 naming the item that has it
    expect((await call('POST', `/inventory/items/${aperol}/barcodes`, { barcode: NEW_EAN })).body.barcodes).toHaveLength(2);
    const other = await call('POST', `/inventory/items/${t.demo.items['JAMESON-750']}/barcodes`, { barcode: NEW_EAN });
    expect(other.status).toBe(409);
    expect(other.body.error.message).toBe(`the barcode ${NEW_EAN} is already on "Aperol"`);
    // a new item cannot take it either
    expect((await call('POST', '/inventory/items', { sku: 'X-2', name: 'X', barcode: NEW_EAN })).status).toBe(409);
    // removing the first promotes the other
    const removed = await call('POST', `/inventory/items/${aperol}/barcodes/remove`, { barcode: '8002230000302' });
    expect(removed.body.barcodes).toEqual([{ barcode: NEW_EAN, primary: true }]);
    expect((await call('GET', `/inventory/items/${aperol}`)).body.barcode).toBe(NEW_EAN);
    expect((await call('POST', `/inventory/items/${aperol}/barcodes/remove`, { barcode: '123' })).status).toBe(404);
    // a bartender may look but not change
    const bartender = await t.userWithRole('bartender');
    expect((await call('GET', `/inventory/items/${aperol}/barcodes`, undefined, bartender)).status).toBe(200);
    expect((await call('POST', `/inventory/items/${aperol}/barcodes`, { barcode: '5000281025155' }, bartender)).status).toBe(403);
    const audit = await t.cloud.db.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE entity = 'item' AND entity_id = $1 ORDER BY at`,
      [aperol],
    );
    expect(audit.rows.map((r) => r.action)).toEqual(['add_barcode', 'remove_barcode']);
  });

  it("sets a supplier's code for an item; the same code on another item of that supplier is refused", async () => {
    const sup = (await call('POST', '/suppliers', { name: 'Republic National' })).body.id as string;
    const set = await call('PUT', `/suppliers/${sup}/items`, {
      itemId: t.demo.items['JAMESON-750'],
      supplierCode: 'RN-JAM-75',
      caseSize: 6,
      casePrice: 132,
      preferred: true,
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ supplierCode: 'RN-JAM-75', caseSize: 6 });
    const clash = await call('PUT', `/suppliers/${sup}/items`, { itemId: t.demo.items['TITOS-750'], supplierCode: 'rn-jam-75' });
    expect(clash.status).toBe(409);
    expect(clash.body.error).toMatchObject({
      field: 'supplierCode',
      message: `the supplier's code rn-jam-75 is already on "Jameson Irish Whiskey"`,
    });
    const pricing = await call('GET', `/suppliers/pricing?item_id=${t.demo.items['JAMESON-750']}`);
    expect(pricing.body.offers[0]).toMatchObject({ supplierName: 'Republic National', supplierCode: 'RN-JAM-75', preferred: true });
  });

  it('"order 2 cases": onto the draft order for the item\'s supplier, one draft per supplier, with plain refusals', async () => {
    const jameson = t.demo.items['JAMESON-750']!;
    const first = await call('POST', '/orders/draft-lines', { venueId: t.demo.venueId, itemId: jameson, cases: 2 });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ supplierName: 'Republic National', cases: 2, created: true, order: { status: 'draft' } });
    expect(first.body.order.lines).toMatchObject([{ itemId: jameson, cases: 2, caseSize: 6, casePrice: 132 }]);
    const again = await call('POST', '/orders/draft-lines', { venueId: t.demo.venueId, itemId: jameson, cases: 1 });
    expect(again.body).toMatchObject({ created: false, order: { id: first.body.order.id } });
    expect(again.body.order.lines).toMatchObject([{ cases: 3 }]);

    const none = await call('POST', '/orders/draft-lines', { venueId: t.demo.venueId, itemId: t.demo.items['APEROL-1000'], cases: 1 });
    expect(none.status).toBe(409);
    expect(none.body.error.message).toBe("no supplier sells Aperol yet: add one, with its case size, on the item's page");
    const other = (await call('POST', '/suppliers', { name: 'Southern Glazer' })).body.id as string;
    await call('PUT', `/suppliers/${other}/items`, { itemId: jameson, caseSize: 12 });
    await call('PUT', `/suppliers/${other}/items`, { itemId: t.demo.items['TITOS-750'], caseSize: 12 });
    const sup2 = (await call('POST', '/suppliers', { name: 'Breakthru' })).body.id as string;
    await call('PUT', `/suppliers/${sup2}/items`, { itemId: t.demo.items['TITOS-750'], caseSize: 6 });
    const two = await call('POST', '/orders/draft-lines', { venueId: t.demo.venueId, itemId: t.demo.items['TITOS-750'], cases: 1 });
    expect(two.status).toBe(409);
    expect(two.body.error).toMatchObject({ field: 'supplierId' });
    expect(two.body.error.message).toMatch(
      /^Tito's Handmade Vodka is sold by (Breakthru and Southern Glazer|Southern Glazer and Breakthru)/,
    );
    const named = await call('POST', '/orders/draft-lines', {
      venueId: t.demo.venueId,
      itemId: t.demo.items['TITOS-750'],
      cases: 1,
      supplierId: sup2,
    });
    expect(named.body).toMatchObject({ supplierName: 'Breakthru', created: true });
    const notSold = await call('POST', '/orders/draft-lines', {
      venueId: t.demo.venueId,
      itemId: t.demo.items['APEROL-1000'],
      cases: 1,
      supplierId: sup2,
    });
    expect(notSold.status).toBe(400);
    expect(notSold.body.error.message).toBe('Breakthru does not sell Aperol: add it to the supplier first');
    expect((await call('POST', '/orders/draft-lines', { venueId: t.demo.venueId, itemId: jameson, cases: 0 })).status).toBe(400);
    // a draft already approved is left alone: the next "order" starts a new draft
    expect((await call('POST', `/orders/${first.body.order.id}/approve`, {})).status).toBe(200);
    const after = await call('POST', '/orders/draft-lines', { venueId: t.demo.venueId, itemId: jameson, cases: 1 });
    expect(after.body.created).toBe(true);
    expect(after.body.order.id).not.toBe(first.body.order.id);
  });
});

describe('phone numbers in the venue country', () => {
  let t: TestCloud;
  const call = (method: string, path: string, body?: unknown) => t.api(method, `/api/v1${path}`, { token: t.ownerToken, body });
  beforeAll(async () => {
    t = await build();
  });
  afterAll(() => t?.close());

  it("a venue's country is its own or its time zone's; a notification phone typed as locals do is read in it", async () => {
    const venueId = t.demo.venueId;
    // The Anchor is on Europe/London
    expect((await call('GET', `/venues/${venueId}`)).body.country).toBe('GB');
    const uk = await call('PUT', `/notifications/settings/${venueId}`, { phone: '07911 123456', channels: ['sms'] });
    expect(uk.status).toBe(200);
    expect(uk.body.phoneE164).toBe('+447911123456');
    const bad = await call('PUT', `/notifications/settings/${venueId}`, { phone: '07911 12345', channels: ['sms'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ field: 'phone', message: '07911 12345 is not a valid UK mobile number' });
    const landline = await call('PUT', `/notifications/settings/${venueId}`, { phone: '020 7946 0000', channels: ['sms'] });
    expect(landline.body.error.message).toBe('020 7946 0000 is a UK landline: text messages need a mobile number');

    // a venue in Austin (by its zone), one in Tel Aviv (by its country, the zone left at UTC)
    const austin = await call('POST', '/venues', { name: 'Austin', timezone: 'America/Chicago' });
    expect(austin.body.country).toBe('US');
    expect(
      (await call('PUT', `/notifications/settings/${austin.body.id}`, { phone: '(512) 555-0100', channels: ['sms'] })).body.phoneE164,
    ).toBe('+15125550100');
    const tlv = await call('POST', '/venues', { name: 'Tel Aviv', country: 'il' });
    expect(tlv.body).toMatchObject({ timezone: 'UTC', country: 'IL' });
    expect((await call('PUT', `/notifications/settings/${tlv.body.id}`, { phone: '050-765-4321', channels: ['sms'] })).body.phoneE164).toBe(
      '+972507654321',
    );
    const il = await call('PUT', `/notifications/settings/${tlv.body.id}`, { phone: '052-123-4567', channels: ['sms'] });
    expect(il.body.error.message).toBe('052-123-4567 is not a valid Israel mobile number');
    // the country can be changed and cleared (back to the zone's)
    expect((await call('PATCH', `/venues/${austin.body.id}`, { country: 'GB' })).body.country).toBe('GB');
    expect((await call('PATCH', `/venues/${austin.body.id}`, { country: null })).body.country).toBe('US');
    const nope = await call('PATCH', `/venues/${austin.body.id}`, { country: 'XX' });
    expect(nope.status).toBe(400);
    expect(JSON.stringify(nope.body.error)).toContain('two-letter country code');
  });
});

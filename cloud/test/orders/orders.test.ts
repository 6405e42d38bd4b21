import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestCloud } from '../support/cloud.js';
import { startSmtpStandIn, type SmtpStandIn } from '../alerts/notify/standins/smtp.js';
import { InventoryService } from '../../src/inventory/index.js';
import { SuggestionService, type DemandSource } from '../../src/orders/index.js';

/** Suppliers, suggestions and a purchase order from draft to received, over real HTTP, with a real SMTP server. */
describe('suppliers and purchase orders', () => {
  let t: TestCloud;
  let smtp: SmtpStandIn;
  let southern: string;
  let republic: string;
  const item = (sku: string) => t.demo.items[sku]!;
  const api = <T = any>(method: string, path: string, body?: unknown) => t.api<T>(method, `/api/v1${path}`, { token: t.ownerToken, body });
  const level = async (locationId: string, sku: string) =>
    ((await api('GET', `/inventory/locations/${locationId}/stock`)).body.levels as { itemId: string; level: number }[]).find(
      (l) => l.itemId === item(sku),
    )?.level;

  beforeAll(async () => {
    smtp = await startSmtpStandIn();
    t = await build({ alerts: { notify: { email: { smtpUrl: smtp.url, from: 'The Anchor <orders@anchor.example>' } } } });
    // no e-mail yet: sending must say so
    southern = (await api('POST', '/suppliers', { name: "Southern Glazer's", leadTimeDays: 2, contactName: 'Dana' })).body.id;
    republic = (await api('POST', '/suppliers', { name: 'Republic National', email: 'orders@republic.example', leadTimeDays: 1 })).body.id;
    for (const [sku, casePrice] of [
      ['APEROL-1000', 60],
      ['CAMPARI-1000', 50],
    ] as const)
      expect(
        (await api('PUT', `/suppliers/${southern}/items`, { itemId: item(sku), supplierCode: `SG-${sku}`, caseSize: 6, casePrice })).status,
      ).toBe(200);
    // Republic sells Aperol cheaper per bottle (110 / 12 = 9.17 against 60 / 6 = 10), but Southern is the preferred supplier
    await api('PUT', `/suppliers/${southern}/items`, {
      itemId: item('APEROL-1000'),
      supplierCode: 'SG-APEROL',
      caseSize: 6,
      casePrice: 60,
      preferred: true,
    });
    await api('PUT', `/suppliers/${republic}/items`, { itemId: item('APEROL-1000'), caseSize: 12, casePrice: 110 });
    // Aperol: 2 at the main bar, 1 in storage; the venue's par is 3 + 6 + 2 = 11
    for (const [loc, quantity] of [
      [t.demo.locations.mainBar, 2],
      [t.demo.locations.storage, 1],
    ] as const)
      await api('POST', `/inventory/items/${item('APEROL-1000')}/adjust`, { locationId: loc, type: 'COUNT', quantity });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  it('compares suppliers per bottle after the case size, with each price history', async () => {
    const r = await api('GET', `/suppliers/pricing?item_id=${item('APEROL-1000')}`);
    expect(r.status).toBe(200);
    expect(r.body.offers.map((o: any) => [o.supplierName, o.caseSize, o.casePrice, o.unitPrice, o.cheapest, o.preferred])).toEqual([
      ['Republic National', 12, 110, 9.1667, true, false],
      ["Southern Glazer's", 6, 60, 10, false, true],
    ]);
    // setting the same price again adds no history
    expect(r.body.offers[1].history.map((h: any) => [h.casePrice, h.source])).toEqual([[60, 'manual']]);
    expect((await api('GET', '/suppliers/pricing')).body.error.field).toBe('querystring.item_id');
    expect((await api('GET', '/suppliers/pricing?item_id=00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await api('POST', '/suppliers', { name: "southern glazer's" })).status).toBe(409);
    const bad = await api('POST', '/suppliers', { name: 'X', orderingDays: [0] });
    expect([bad.status, bad.body.error.field]).toEqual([400, 'orderingDays']);
  });

  it('suggests per supplier up to par without a forecast, in cases, and says so in each line', async () => {
    const r = await api('GET', `/orders/suggestions?venue_id=${t.demo.venueId}`);
    expect(r.status).toBe(200);
    const sg = r.body.suppliers.find((s: any) => s.supplierId === southern);
    expect(sg.lines.map((l: any) => [l.name, l.basis, l.cases, l.reason])).toEqual([
      ['Aperol', 'par', 2, 'no forecast yet: order up to venue par 11 (all locations), 3 bottles on hand: 2 cases of 6'],
      ['Campari', 'par', 1, 'no forecast yet: order up to venue par 6 (all locations), 0 bottles on hand: 1 case of 6'],
    ]);
    expect(sg.value).toBe(170);
    // Republic's only offer is Aperol, which is ordered from the preferred Southern
    expect(r.body.suppliers.map((s: any) => s.supplierId)).toEqual([southern]);
    expect(r.body.unassigned.map((u: any) => u.name)).toContain("Tito's Handmade Vodka");
    expect((await api('GET', '/orders/suggestions')).body.error.field).toBe('querystring.venue_id');
  });

  it("orders up to the venue's par, every location's added up, and says so without repeating why on each line", async () => {
    const r = await api('GET', `/orders/suggestions?venue_id=${t.demo.venueId}`);
    // the Items page shows the par at one location; an order goes to the venue, so its par is their sum
    const titos = (await api('GET', `/inventory/items/${item('TITOS-750')}`)).body;
    const venuePar = titos.locations.reduce((sum: number, l: { parLevel: number }) => sum + l.parLevel, 0);
    expect(titos.locations.length).toBeGreaterThan(1);
    const line = r.body.unassigned.find((u: any) => u.itemId === item('TITOS-750'));
    expect(line.reason).toMatch(new RegExp(`^below venue par ${venuePar} \\(all locations\\) with [\\d.]+ bottles? on hand$`));
    // the stock is said in the item's own unit (it read "with 0.9 on hand", no unit at all)
    expect((await api('PATCH', `/inventory/items/${item('TITOS-750')}`, { unit: 'keg' })).status).toBe(200);
    const inKegs = (await api('GET', `/orders/suggestions?venue_id=${t.demo.venueId}`)).body.unassigned.find(
      (u: any) => u.itemId === item('TITOS-750'),
    );
    expect(inKegs.reason).toMatch(/ with [\d.]+ kegs? on hand$/);
    expect((await api('PATCH', `/inventory/items/${item('TITOS-750')}`, { unit: 'bottle' })).status).toBe(200);
    // "no supplier sells it" is what the whole list has in common: the page says it once, above the lines
    expect(r.body.unassigned.filter((u: any) => /supplier/.test(u.reason))).toEqual([]);
  });

  it('takes a draft from the suggestions through approval, a refused send, sending with its PDF, and two partial receipts', async () => {
    const draft = await api('POST', '/orders/create', { venueId: t.demo.venueId, supplierId: southern });
    expect(draft.status).toBe(201);
    const id = draft.body.id as string;
    expect(draft.body).toMatchObject({ status: 'draft', total: 170 });
    expect(draft.body.lines.map((l: any) => [l.sku, l.cases, l.caseSize, l.units])).toEqual([
      ['APEROL-1000', 2, 6, 12],
      ['CAMPARI-1000', 1, 6, 6],
    ]);

    const early = await api('POST', `/orders/${id}/send`);
    expect(early.status).toBe(409);
    expect(early.body.error.message).toMatch(/cannot send an order that is draft: draft → sent is not allowed/);
    expect((await api('POST', `/orders/${id}/receive`, { lines: [{ lineId: draft.body.lines[0].id, units: 1 }] })).status).toBe(409);
    expect((await api('POST', `/orders/${id}/approve`)).body.status).toBe('approved');

    // Southern has no e-mail address: the order stays approved and says why
    const refused = await api('POST', `/orders/${id}/send`);
    expect([refused.status, refused.body.error.field]).toEqual([409, 'email']);
    expect(refused.body.error.message).toMatch(/Southern Glazer's has no e-mail address/);
    const still = (await api('GET', `/orders/${id}`)).body;
    expect(still.status).toBe('approved');
    expect(still.sendError).toMatch(/no e-mail address/);
    expect(smtp.mails).toHaveLength(0);

    await api('PATCH', `/suppliers/${southern}`, { email: 'orders@southern.example' });
    const sent = await api('POST', `/orders/${id}/send`);
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ status: 'sent', sendError: null });
    expect(smtp.mails.map((m) => m.to)).toEqual([['orders@southern.example']]);
    const raw = smtp.mails[0]!.raw.replace(/=\r\n/g, '');
    const number = sent.body.number as string;
    expect(raw).toContain(`Subject: Purchase order ${number} from The Anchor`);
    expect(raw).toMatch(new RegExp(`Content-Type: application/pdf; name=${number}.pdf`));
    expect(raw).toMatch(new RegExp(`Content-Type: text/csv; name=${number}.csv`));
    const pdf = attachment(raw, `${number}.pdf`);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(attachment(raw, `${number}.csv`).toString()).toContain(`${number},SG-APEROL,APEROL-1000,Aperol,2,6,12,60.00,120.00`);

    // on order now: Aperol and Campari need nothing more from Southern
    const after = await api('GET', `/orders/suggestions?venue_id=${t.demo.venueId}`);
    expect(after.body.suppliers.find((s: any) => s.supplierId === southern)).toBeUndefined();

    // half the Aperol arrives, dearer than ordered: into storage (the default), the supplier's price follows
    const [aperol, campari] = sent.body.lines as { id: string }[];
    const part = await api('POST', `/orders/${id}/receive`, { lines: [{ lineId: aperol!.id, units: 6, casePrice: 63 }] });
    expect(part.status).toBe(200);
    expect(part.body.status).toBe('partly_received');
    expect(part.body.lines.map((l: any) => l.receivedUnits)).toEqual([6, 0]);
    expect(await level(t.demo.locations.storage, 'APEROL-1000')).toBe(7);
    const prices = (await api('GET', `/suppliers/pricing?item_id=${item('APEROL-1000')}`)).body.offers.find(
      (o: any) => o.supplierId === southern,
    );
    expect([prices.casePrice, prices.history.map((h: any) => [h.casePrice, h.source])]).toEqual([
      63,
      [
        [60, 'manual'],
        [63, 'receipt'],
      ],
    ]);

    // more than is outstanding is refused, and changes nothing
    const over = await api('POST', `/orders/${id}/receive`, { lines: [{ lineId: aperol!.id, units: 7 }] });
    expect([over.status, over.body.error.field]).toEqual([400, 'lines.0.units']);
    expect(await level(t.demo.locations.storage, 'APEROL-1000')).toBe(7);

    // the rest, to the main bar
    const rest = await api('POST', `/orders/${id}/receive`, {
      locationId: t.demo.locations.mainBar,
      lines: [
        { lineId: aperol!.id, units: 6 },
        { lineId: campari!.id, units: 6 },
      ],
    });
    expect(rest.body.status).toBe('received');
    expect(await level(t.demo.locations.mainBar, 'CAMPARI-1000')).toBe(6);
    expect(await level(t.demo.locations.mainBar, 'APEROL-1000')).toBe(8);
    const again = await api('POST', `/orders/${id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(
      /cannot cancel an order that is received: received → cancelled is not allowed \(received is final\)/,
    );

    const { rows } = await t.cloud.db.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE entity = 'purchase_order' AND entity_id = $1 ORDER BY id`,
      [id],
    );
    expect(rows.map((r) => r.action)).toEqual(['create', 'approve', 'send_failed', 'send', 'receive', 'receive']);
    const tx = await t.cloud.db.query<{ n: number }>(
      // deliveries go off camera: a camera reading at the bar does not take them back
      `SELECT count(*)::int AS n FROM transactions
       WHERE type = 'RECEIVE' AND source_type = 'purchase_order' AND source_id = $1 AND part = 'off_camera'`,
      [id],
    );
    expect(tx.rows[0]!.n).toBe(3);
  });

  it('makes a draft by hand at the supplier’s case and price, and cancels it', async () => {
    const r = await api('POST', '/orders/create', {
      venueId: t.demo.venueId,
      supplierId: republic,
      lines: [{ itemId: item('APEROL-1000'), cases: 1 }],
      notes: 'Friday delivery please',
    });
    expect(r.status).toBe(201);
    expect(r.body.lines.map((l: any) => [l.caseSize, l.casePrice, l.reason])).toEqual([[12, 110, null]]);
    expect((await api('POST', `/orders/${r.body.id}/cancel`)).body.status).toBe('cancelled');
    const approve = await api('POST', `/orders/${r.body.id}/approve`);
    expect(approve.status).toBe(409);
    expect(approve.body.error.message).toMatch(/cancelled → approved is not allowed/);
    const dup = await api('POST', '/orders/create', {
      venueId: t.demo.venueId,
      supplierId: republic,
      lines: [
        { itemId: item('APEROL-1000'), cases: 1 },
        { itemId: item('APEROL-1000'), cases: 2 },
      ],
    });
    expect([dup.status, dup.body.error.field]).toEqual([400, 'lines']);
    const bartender = await t.userWithRole('bartender');
    expect((await t.api('GET', `/api/v1/orders/suggestions?venue_id=${t.demo.venueId}`, { token: bartender })).status).toBe(403);
  });

  it("edits a draft's cases (0 takes a line off), refuses to approve an empty one, and refuses once it is not a draft", async () => {
    const r = await api('POST', '/orders/create', {
      venueId: t.demo.venueId,
      supplierId: republic,
      lines: [{ itemId: item('APEROL-1000'), cases: 1 }],
    });
    const lineId = r.body.lines[0].id;
    const edited = await api('PATCH', `/orders/${r.body.id}/lines`, { lines: [{ lineId, cases: 4 }] });
    expect([edited.status, edited.body.lines[0].cases, edited.body.total]).toEqual([200, 4, 440]);
    const stranger = await api('PATCH', `/orders/${r.body.id}/lines`, { lines: [{ lineId: r.body.id, cases: 1 }] });
    expect([stranger.status, stranger.body.error.field]).toEqual([400, 'lines.0.lineId']);
    expect((await api('PATCH', `/orders/${r.body.id}/lines`, { lines: [{ lineId, cases: 0 }] })).body.lines).toEqual([]);
    const empty = await api('POST', `/orders/${r.body.id}/approve`);
    expect([empty.status, empty.body.error.message]).toEqual([400, 'the order has no lines: add some before approving it']);
    await api('POST', `/orders/${r.body.id}/cancel`);
    const late = await api('PATCH', `/orders/${r.body.id}/lines`, { lines: [{ lineId, cases: 2 }] });
    expect([late.status, late.body.error.message]).toEqual([409, "the order is cancelled: only a draft's quantities can change"]);
  });

  it('with a forecast for an item, orders its demand over lead time and review period, and says so', async () => {
    // what the forecast module will lend: Aperol sells 3 a day, exactly; Campari has no forecast
    const demand: DemandSource = { demand: async () => new Map([[item('APEROL-1000'), { perDay: 3, errorPerDay: 0 }]]) };
    const suggestions = new SuggestionService({ db: t.cloud.db, inventory: new InventoryService(t.cloud.db), demand });
    const r = await suggestions.suggest(t.demo.orgId, t.demo.venueId);
    // 3 × (2 days' lead + 7 days' review) = 27, less 15 on hand (8 at the bar, 7 in storage) = 12: two cases of 6
    expect(r.suppliers.find((s) => s.supplierId === southern)!.lines.map((l) => [l.name, l.basis, l.cases, l.reason])).toEqual([
      ['Aperol', 'forecast', 2, 'sells ~21 a week, 15 bottles on hand, 0 on order, delivery in 2 days: order 2 cases of 6'],
    ]);

    // with a forecast error of 1 a day, safety stock over the 9 days: 1.65 × 3 at 95 %, 2.33 × 3 for a class asking 99 %
    const noisy: DemandSource = { demand: async () => new Map([[item('APEROL-1000'), { perDay: 3, errorPerDay: 1 }]]) };
    const cases = async (serviceLevel?: ConstructorParameters<typeof SuggestionService>[0]['serviceLevel']) =>
      (
        await new SuggestionService({ db: t.cloud.db, inventory: new InventoryService(t.cloud.db), demand: noisy, serviceLevel }).suggest(
          t.demo.orgId,
          t.demo.venueId,
        )
      ).suppliers[0]!.lines[0]!.cases;
    expect(await cases()).toBe(3); // 27 + 4.95 - 15 = 16.95
    expect(await cases({ default: 0.95, byCategory: { liqueur: 0.99 } })).toBe(4); // 27 + 6.99 - 15 = 18.99
    expect(await cases({ default: 0.95, byCategory: { vodka: 0.99 } })).toBe(3);
  });
});

/** One attachment's bytes out of a raw MIME message (base64 parts, as nodemailer writes them). */
function attachment(raw: string, filename: string): Buffer {
  const at = raw.indexOf(`filename=${filename}`);
  const body = raw.slice(raw.indexOf('\r\n\r\n', at) + 4);
  return Buffer.from(body.slice(0, body.indexOf('\r\n--')).replace(/\s+/g, ''), 'base64');
}

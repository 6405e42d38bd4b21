import { describe, expect, it } from 'vitest';
import { parseCommand, type CommandContext } from '../../src/commands/parse';

const ctx: CommandContext = {
  items: [
    { id: 'titos', name: "Tito's Handmade Vodka", aliases: ['TITOS-750'] },
    { id: 'jameson', name: 'Jameson Irish Whiskey', bottleSizeMl: 700 },
    { id: 'jameson-bb', name: 'Jameson Black Barrel', bottleSizeMl: 700 },
    { id: 'patron', name: 'Patrón Silver', bottleSizeMl: 750 },
    { id: 'aperol', name: 'Aperol', bottleSizeMl: 1000 },
    { id: 'grey-goose', name: 'Grey Goose' },
    { id: 'jager', name: 'Jägermeister' },
    { id: 'bombay', name: 'Bombay Sapphire', caseSize: 6 },
  ],
  locations: [
    { id: 'main', name: 'Main Bar' },
    { id: 'roof', name: 'Rooftop' },
    { id: 'store', name: 'Storage' },
  ],
  defaultLocationId: 'main',
};

const adjust = (text: string, c: CommandContext = ctx) => {
  const r = parseCommand(text, c);
  if (r.kind !== 'adjust') throw new Error(`expected adjust, got ${JSON.stringify(r)}`);
  return r;
};

describe('parseCommand: the issue examples', () => {
  it('"86 Tito\'s" sets the count to zero at the current location', () => {
    const r = adjust("86 Tito's");
    expect(r.item.id).toBe('titos');
    expect(r.call).toEqual({
      method: 'POST',
      path: '/api/v1/inventory/items/titos/adjust',
      body: { locationId: 'main', type: 'COUNT', quantity: 0, reason: "86'd: out of stock" },
    });
    expect(r.summary).toContain("Mark Tito's Handmade Vodka as out");
  });

  it('"received 2 cases of Jameson at Main Bar" receives 24 bottles, and asks which Jameson', () => {
    const first = parseCommand('received 2 cases of Jameson at Main Bar', ctx);
    expect(first.kind).toBe('choose');
    if (first.kind !== 'choose') return;
    expect(first.what).toBe('item');
    expect(first.candidates.map((c) => c.id).sort()).toEqual(['jameson', 'jameson-bb']);
    const r = parseCommand('received 2 cases of Jameson at Main Bar', ctx, { itemId: 'jameson' });
    expect(r.kind === 'adjust' && r.call).toEqual({
      method: 'POST',
      path: '/api/v1/inventory/items/jameson/adjust',
      body: { locationId: 'main', type: 'RECEIVE', quantity: 24 },
    });
    expect(r.kind === 'adjust' && r.summary).toBe('Receive 24 bottles (2 cases × 12) of Jameson Irish Whiskey at Main Bar');
  });

  it('"how much Patrón is left?" asks for the stock at the current location', () => {
    const r = parseCommand('how much Patrón is left?', ctx);
    expect(r).toMatchObject({
      kind: 'query',
      item: { id: 'patron' },
      call: { method: 'GET', path: '/api/v1/inventory/locations/main/stock' },
    });
  });

  it('"waste half a bottle of Aperol — broken" wastes 0.5 with the reason', () => {
    const r = adjust('waste half a bottle of Aperol — broken');
    expect(r.call).toEqual({
      method: 'POST',
      path: '/api/v1/inventory/items/aperol/adjust',
      body: { locationId: 'main', type: 'WASTE', quantity: 0.5, reason: 'broken' },
    });
  });
});

describe('item names', () => {
  it.each([
    ['86 titos', 'titos'],
    ['86 TITO’S', 'titos'],
    ['86 tito s', 'titos'],
    ['how much patron is left', 'patron'],
    ['how much PATRON', 'patron'],
    ['how much jagermeister is left', 'jager'],
    ['how much jägermeister', 'jager'],
    ['how much grey goose', 'grey-goose'],
    ['how much greygoose', 'grey-goose'],
    ['how much gray goose', 'grey-goose'],
    ['how much aperoll', 'aperol'],
    ['how much black barrel', 'jameson-bb'],
    ['how much jameson black barrel is left', 'jameson-bb'],
    ['how much jameson irish', 'jameson'],
    ['how much titos-750', 'titos'],
  ])('%s → %s', (text, id) => {
    expect(parseCommand(text, ctx)).toMatchObject({ item: { id } });
  });

  it('an unknown name says so and changes nothing', () => {
    expect(parseCommand('86 Bacardi', ctx)).toEqual({ kind: 'error', message: 'No item matches "bacardi".' });
  });

  it('an ambiguous name always asks, for every verb', () => {
    for (const t of ['86 jameson', 'how much jameson is left', 'waste a bottle of jameson — dropped', 'received 3 jameson']) {
      const r = parseCommand(t, ctx);
      expect(r.kind, t).toBe('choose');
    }
  });
});

describe('quantities and units', () => {
  it.each([
    ['received two bottles of aperol', 2],
    ['received 2 aperol', 2],
    ['received a bottle of aperol', 1],
    ['received aperol', 1],
    ['received one and a half bottles of aperol', 1.5],
    ['received 2 1/2 bottles of aperol', 2.5],
    ['received 1.5 aperol', 1.5],
    ['received twenty four bottles of aperol', 24],
    ['received a dozen aperol', 12],
    ['received three quarters of a bottle of aperol', 0.75],
    ['received a case of Patron', 12],
    ['received 2 cases of aperol', 12],
    ['received two cases of bombay sapphire', 12],
  ])('%s → %d bottles', (text, q) => {
    expect(adjust(text).quantity).toBeCloseTo(q, 5);
  });

  it('says how many bottles a case holds', () => {
    expect(adjust('received a case of Patron').summary).toBe('Receive 12 bottles (1 case × 12) of Patrón Silver at Main Bar');
  });
});

describe('verbs, locations and reasons', () => {
  it('counts: "count aperol 3", "aperol is 3", "set grey goose to 4 bottles"', () => {
    expect(adjust('count aperol 3').call).toMatchObject({ body: { type: 'COUNT', quantity: 3 } });
    expect(adjust('aperol is 3').call).toMatchObject({ body: { type: 'COUNT', quantity: 3 } });
    expect(adjust('set grey goose to 4 bottles').call).toMatchObject({ body: { type: 'COUNT', quantity: 4 } });
    expect(adjust('counted 5 bottles of aperol in storage').call).toMatchObject({
      body: { type: 'COUNT', quantity: 5, locationId: 'store' },
    });
  });

  it('a count without a number asks for one', () => {
    expect(parseCommand('count aperol', ctx).kind).toBe('error');
  });

  it('takes the location from "at", "in", "to"', () => {
    expect(adjust('received 2 aperol at rooftop').location.id).toBe('roof');
    expect(adjust('received 2 aperol to storage').location.id).toBe('store');
    expect(adjust('86 grey goose at the rooftop').location.id).toBe('roof');
    expect(adjust('86 grey goose in main bar').location.id).toBe('main');
  });

  it('without a default location and several locations, asks which', () => {
    const r = parseCommand('86 aperol', { ...ctx, defaultLocationId: undefined });
    expect(r).toMatchObject({ kind: 'choose', what: 'location' });
    expect(parseCommand('86 aperol', { ...ctx, defaultLocationId: undefined }, { locationId: 'roof' })).toMatchObject({
      location: { id: 'roof' },
    });
  });

  it('waste needs a reason and keeps it: dash, colon, comma, "because"', () => {
    expect(parseCommand('waste a bottle of aperol', ctx).kind).toBe('error');
    expect(adjust('wasted 1 aperol - spilled').reason).toBe('spilled');
    expect(adjust('spilled half a bottle of aperol: knocked over').reason).toBe('knocked over');
    expect(adjust('waste aperol, expired').reason).toBe('expired');
    expect(adjust('broke a bottle of grey goose because it slipped').reason).toBe('it slipped');
  });

  it('sold and out of', () => {
    expect(adjust('sold 2 aperol').call).toMatchObject({ body: { type: 'SALE', quantity: 2 } });
    expect(adjust("we're out of Tito's").call).toMatchObject({ body: { type: 'COUNT', quantity: 0 } });
  });

  it('nonsense gets help, not a guess', () => {
    expect(parseCommand('', ctx).kind).toBe('error');
    expect(parseCommand('hello there', ctx).kind).toBe('error');
    expect(parseCommand('received 0 aperol', ctx).kind).toBe('error');
  });
});

describe('parseCommand: "received the Southern invoice" opens its review', () => {
  const invoices = [
    { id: 'inv-old', supplierName: "Southern Glazer's", createdAt: '2026-12-01T10:00:00Z' },
    { id: 'inv-new', supplierName: "Southern Glazer's", createdAt: '2026-12-04T10:00:00Z' },
    { id: 'inv-b', supplierName: 'Breakthru Beverage', createdAt: '2026-12-03T10:00:00Z' },
    { id: 'inv-c', supplierName: 'Southern Wine Co', createdAt: '2026-12-02T10:00:00Z' },
  ];
  const c = { ...ctx, invoices };
  it('names the supplier by part of its name and opens its newest invoice waiting', () => {
    expect(parseCommand('received the Breakthru invoice', c)).toEqual({
      kind: 'invoice',
      invoiceId: 'inv-b',
      summary: 'Open the Breakthru Beverage invoice for review',
    });
    expect(parseCommand("open the invoice from Southern Glazer's", c)).toMatchObject({ kind: 'invoice', invoiceId: 'inv-new' });
  });
  it('asks which when two suppliers fit, and opens the one picked', () => {
    const r = parseCommand('received the Southern invoice', c);
    expect(r).toMatchObject({ kind: 'choose', summary: 'Which invoice?' });
    expect(r.kind === 'choose' && r.candidates.map((x) => x.name).sort()).toEqual(["Southern Glazer's", 'Southern Wine Co']);
    expect(parseCommand('received the Southern invoice', c, { itemId: 'inv-c' })).toMatchObject({ kind: 'invoice', invoiceId: 'inv-c' });
  });
  it('says so when none from that supplier waits, and leaves other phrases alone', () => {
    expect(parseCommand('received the Diageo invoice', c)).toEqual({
      kind: 'error',
      message: 'No invoice from "diageo" is waiting for review: upload it on the Invoices page (a photo or the PDF).',
    });
    expect(parseCommand('received 2 cases of Aperol', c).kind).toBe('adjust');
  });
});

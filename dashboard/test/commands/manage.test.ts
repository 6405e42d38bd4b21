// The command bar's sales, transfers and orders: "we sold 3 Jameson", "move 2 Jameson from
// storage to the main bar", "order 2 cases of Aperol", and what it says when it cannot tell.
import { describe, expect, it } from 'vitest';
import { parseCommand, type Command, type CommandContext } from '../../src/commands/parse';

const ctx: CommandContext = {
  items: [
    { id: 'titos', name: "Tito's Handmade Vodka", aliases: ['TITOS-750'] },
    { id: 'jameson', name: 'Jameson Irish Whiskey', bottleSizeMl: 700 },
    { id: 'jameson-bb', name: 'Jameson Black Barrel', bottleSizeMl: 700 },
    { id: 'aperol', name: 'Aperol', bottleSizeMl: 1000 },
    { id: 'bombay', name: 'Bombay Sapphire', caseSize: 6 },
  ],
  locations: [
    { id: 'main', name: 'Main Bar', type: 'bar' },
    { id: 'roof', name: 'Rooftop', type: 'bar' },
    { id: 'roof-store', name: 'Rooftop Store', type: 'cellar' },
    { id: 'store', name: 'Storage', type: 'storage' },
  ],
  defaultLocationId: 'main',
  venueId: 'venue-1',
};
const only = { ...ctx, items: ctx.items.filter((i) => i.id !== 'jameson-bb') };
const of = <K extends Command['kind']>(kind: K, r: Command): Extract<Command, { kind: K }> => {
  if (r.kind !== kind) throw new Error(`expected ${kind}, got ${JSON.stringify(r)}`);
  return r as Extract<Command, { kind: K }>;
};

describe('sales', () => {
  it.each([
    ['we sold 3 Jameson', 3, 'main'],
    ["we've sold 3 Jameson", 3, 'main'],
    ['We sold three Jameson at the rooftop', 3, 'roof'],
    ['sold 2 bottles of Jameson on the rooftop', 2, 'roof'],
    ['just sold a bottle of jameson', 1, 'main'],
    ['I sold half a bottle of Jameson', 0.5, 'main'],
  ])('"%s" is a SALE of %s at %s', (text, quantity, at) => {
    const r = of('adjust', parseCommand(text, only));
    expect(r.call).toEqual({
      method: 'POST',
      path: '/api/v1/inventory/items/jameson/adjust',
      body: { locationId: at, type: 'SALE', quantity },
    });
    expect(r.summary).toMatch(/^Record .* of Jameson Irish Whiskey sold at /);
  });

  it('asks which Jameson when two match', () => {
    const r = of('choose', parseCommand('we sold 3 Jameson', ctx));
    expect(r.what).toBe('item');
    expect(r.candidates.map((c) => c.id).sort()).toEqual(['jameson', 'jameson-bb']);
    expect(of('adjust', parseCommand('we sold 3 Jameson', ctx, { itemId: 'jameson-bb' })).item.id).toBe('jameson-bb');
  });
});

describe('transfers', () => {
  it.each([
    ['move 2 Jameson from storage to the main bar', 'store', 'main', 2],
    ['Move 2 Jameson from Storage to Main Bar.', 'store', 'main', 2],
    ['moved two bottles of jameson from the storage to the rooftop', 'store', 'roof', 2],
    ['transfer 1 case of Jameson from storage into the main bar', 'store', 'main', 12],
    ['bring 3 jameson to the rooftop from storage', 'store', 'roof', 3],
    ['take 2 jameson from main bar to rooftop', 'main', 'roof', 2],
    ['move 2 Jameson to the main bar', 'store', 'main', 2],
    ['move 2 cases of bombay from storage to the rooftop', 'store', 'roof', 12],
  ])('"%s" moves from %s to %s (%s bottles)', (text, from, to, quantity) => {
    const r = of('transfer', parseCommand(text, ctx, { itemId: text.includes('bombay') ? undefined : 'jameson' }));
    expect(r.call).toEqual({
      method: 'POST',
      path: `/api/v1/inventory/items/${r.item.id}/transfer`,
      body: { fromLocationId: from, toLocationId: to, quantity },
    });
  });

  it('says what it will do, with cases spelled out and a reason kept', () => {
    const r = of('transfer', parseCommand('move 1 case of Jameson from storage to the main bar — for the weekend', only));
    expect(r.summary).toBe('Move 12 bottles (1 case × 12) of Jameson Irish Whiskey from Storage to Main Bar — reason: for the weekend');
    expect(r.call.body.reason).toBe('for the weekend');
  });

  it('asks where to when no destination is named, and which location when a name fits two', () => {
    const where = of('choose', parseCommand('move 2 Jameson', only));
    expect(where).toMatchObject({ what: 'location', summary: 'Move Jameson Irish Whiskey to which location?' });
    const picked = of('transfer', parseCommand('move 2 Jameson', only, { locationId: 'roof' }));
    expect(picked.call.body).toMatchObject({ fromLocationId: 'store', toLocationId: 'roof' });
    const cellars = { ...only, locations: [...only.locations, { id: 'c1', name: 'Cellar One' }, { id: 'c2', name: 'Cellar Two' }] };
    const two = of('choose', parseCommand('move 2 Jameson from the cellar to the main bar', cellars));
    expect(two.what).toBe('from');
    expect(two.candidates.map((c) => c.id).sort()).toEqual(['c1', 'c2']);
    const chosen = of('transfer', parseCommand('move 2 Jameson from the cellar to the main bar', cellars, { fromLocationId: 'c2' }));
    expect(chosen.call.body).toMatchObject({ fromLocationId: 'c2', toLocationId: 'main' });
    expect(of('choose', parseCommand('move 2 Jameson from storage to the cellar', cellars)).what).toBe('location');
  });

  it('asks where from when the venue has no storage', () => {
    const noStore = { ...only, locations: only.locations.filter((l) => l.type !== 'storage') };
    const r = of('choose', parseCommand('move 2 Jameson to the main bar', noStore));
    expect(r.what).toBe('from');
    expect(r.candidates.map((c) => c.id)).not.toContain('main');
    expect(of('transfer', parseCommand('move 2 Jameson to the main bar', noStore, { fromLocationId: 'roof' })).from.id).toBe('roof');
  });

  it.each([
    [
      'move Jameson from storage to the main bar',
      'How many Jameson Irish Whiskey? e.g. "move 2 Jameson Irish Whiskey from storage to the main bar".',
    ],
    ['move 2 Jameson from storage to storage', 'Storage is both where it comes from and where it goes: name two locations.'],
    ['move 2 Jameson from storage to the moon', 'No location matches "moon".'],
    ['move 0 Jameson from storage to the main bar', 'The quantity must be more than zero.'],
    ['move 2 Bacardi from storage to the main bar', 'No item matches "bacardi".'],
    ['move from storage to the main bar', 'Which item? Name it, e.g. "move 2 Jameson from storage to the main bar".'],
  ])('"%s" → %s', (text, message) => {
    expect(parseCommand(text, only)).toEqual({ kind: 'error', message });
  });
});

describe('orders', () => {
  it.each([
    ['order 2 cases of Aperol', 2],
    ['Order two cases of aperol', 2],
    ['we need to order 3 cases of Aperol', 3],
    ['reorder a case of Aperol', 1],
    ['order more aperol', 1],
    ['order 4 Aperol', 4],
    ['put in an order for 2 cases of Aperol', 2],
  ])('"%s" adds %s cases to the draft order', (text, cases) => {
    const r = of('order', parseCommand(text, ctx));
    expect(r.call).toEqual({ method: 'POST', path: '/api/v1/orders/draft-lines', body: { venueId: 'venue-1', itemId: 'aperol', cases } });
    expect(r.summary).toBe(`Add ${cases} ${cases === 1 ? 'case' : 'cases'} of Aperol to the draft order for its supplier`);
  });

  it.each([
    ['order 3 bottles of Aperol', 'Orders are in cases: say how many cases, e.g. "order 1 case of Aperol".'],
    ['order half a case of Aperol', 'Order whole cases, at least one: e.g. "order 2 cases of Aperol".'],
    ['order 2 cases of Campari', 'No item matches "campari".'],
    ['order', 'Which item? Name it, e.g. "order 2 cases of Aperol".'],
    [
      'we ordered pizza',
      'Didn\'t understand "we ordered pizza". Try "received 2 cases of …", "we sold 3 …", "move 2 … from storage to the main bar", "order 2 cases of …", "waste half a bottle of …", "86 …" or "how much … is left?".',
    ],
  ])('"%s" → %s', (text, message) => {
    expect(parseCommand(text, ctx)).toEqual({ kind: 'error', message });
  });

  it('needs a venue', () => {
    const { venueId: _, ...noVenue } = ctx;
    expect(parseCommand('order 2 cases of Aperol', noVenue)).toEqual({
      kind: 'error',
      message: 'Choose a venue first: orders are per venue.',
    });
  });
});

describe("what it doesn't understand", () => {
  it.each(['hello', 'please do the thing', 'jameson jameson', 'moving on', '42', 'we sold', 'we ordered pizza'])(
    '"%s" gets a clear answer, no call',
    (text) => {
      const r = parseCommand(text, only);
      expect(r.kind).toBe('error');
      if (r.kind === 'error') expect(r.message).toMatch(/^(Didn't understand|No item matches|Which item|How many)/);
    },
  );
  it('an empty phrase says what to type', () => {
    expect(parseCommand('   ', ctx)).toEqual({ kind: 'error', message: 'Say or type what happened, e.g. "received 2 cases of Jameson".' });
  });
});

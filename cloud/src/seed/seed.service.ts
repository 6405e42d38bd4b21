import type { Db } from '../db/types.js';
import { itemRecords } from '../inventory/index.js';
import { UserService, type OwnerSeed, type PasswordHasher, type SeededOwner } from '../users/index.js';
import { venueRecords } from '../venues/index.js';

export type { OwnerSeed, SeededOwner };

/** First start: the organisation and its owner (UserService.seedOwner), when there are no users at all. */
export function seedOwner(db: Db, hasher: PasswordHasher, seed: OwnerSeed): Promise<SeededOwner | undefined> {
  return new UserService(db, hasher).seedOwner(seed);
}

/** A realistic back bar (barcodes with valid check digits, so a camera can read them): 20 spirits with SKUs, sizes, costs, suppliers, par levels and reorder points. */
export const DEMO_ITEMS = [
  ['TITOS-750', "Tito's Handmade Vodka", 'vodka', '619947000020', 750, 19.5, "Southern Glazer's", 6, 2],
  ['GREYGOOSE-750', 'Grey Goose Vodka', 'vodka', '080480280017', 750, 29.0, "Southern Glazer's", 3, 1],
  ['ABSOLUT-1000', 'Absolut Vodka', 'vodka', '7312040017010', 1000, 21.0, 'Republic National', 4, 2],
  ['JAMESON-750', 'Jameson Irish Whiskey', 'whiskey', '080432400432', 750, 24.0, 'Republic National', 6, 2],
  ['MAKERS-750', "Maker's Mark Bourbon", 'whiskey', '085246139431', 750, 27.5, "Southern Glazer's", 4, 2],
  ['BULLEIT-750', 'Bulleit Bourbon', 'whiskey', '087000007277', 750, 26.0, 'Breakthru Beverage', 3, 1],
  ['JWBLACK-750', 'Johnnie Walker Black Label', 'whiskey', '5000267024004', 750, 34.0, 'Breakthru Beverage', 2, 1],
  ['LAPHROAIG10-700', 'Laphroaig 10 Year', 'whiskey', '5010019640260', 700, 45.0, 'Breakthru Beverage', 1, 1],
  ['PATRON-750', 'Patrón Silver Tequila', 'tequila', '721733000029', 750, 38.0, "Southern Glazer's", 4, 2],
  ['DONJULIO-750', 'Don Julio Blanco', 'tequila', '674545000087', 750, 41.0, 'Republic National', 3, 1],
  ['CASAMIGOS-750', 'Casamigos Reposado', 'tequila', '856724006039', 750, 44.0, 'Republic National', 2, 1],
  ['DELMAGUEY-700', 'Del Maguey Vida Mezcal', 'mezcal', '0853227003008', 700, 33.0, 'Breakthru Beverage', 2, 1],
  ['TANQ-750', 'Tanqueray London Dry Gin', 'gin', '088110110017', 750, 22.0, "Southern Glazer's", 4, 2],
  ['HENDRICKS-750', "Hendrick's Gin", 'gin', '083664868582', 750, 32.0, 'Republic National', 3, 1],
  ['BOMBAY-1000', 'Bombay Sapphire', 'gin', '080480015305', 1000, 27.0, 'Republic National', 3, 1],
  ['BACARDI-1000', 'Bacardí Superior Rum', 'rum', '080480000103', 1000, 16.0, "Southern Glazer's", 4, 2],
  ['KRAKEN-750', 'Kraken Black Spiced Rum', 'rum', '811538010337', 750, 20.0, 'Breakthru Beverage', 2, 1],
  ['APEROL-1000', 'Aperol', 'liqueur', '8002230000302', 1000, 23.0, "Southern Glazer's", 3, 1],
  ['COINTREAU-700', 'Cointreau', 'liqueur', '3035542004206', 700, 31.0, 'Republic National', 2, 1],
  ['CAMPARI-1000', 'Campari', 'liqueur', '8000040000802', 1000, 28.0, "Southern Glazer's", 2, 1],
] as const;

export interface DemoSeed {
  orgId: string;
  venueId: string;
  locations: { mainBar: string; rooftop: string; storage: string };
  items: Record<string, string>;
}

/** Seeds the demo venue "The Anchor" into an organisation (idempotent per organisation: returns the existing one). */
export async function seedDemo(db: Db, orgId: string): Promise<DemoSeed> {
  return db.transaction(async (tx) => {
    const records = { venues: venueRecords(tx), items: itemRecords(tx) };
    const existing = (await records.venues.listVenues(orgId)).find((venue) => venue.name === 'The Anchor');
    if (existing) {
      const locs = await records.venues.listLocations(orgId, existing.id);
      const items = await records.items.list(orgId, { limit: 1000 });
      const byName = (n: string) => locs.find((l) => l.name === n)!.id;
      return {
        orgId,
        venueId: existing.id,
        locations: { mainBar: byName('Main Bar'), rooftop: byName('Rooftop'), storage: byName('Storage') },
        items: Object.fromEntries(items.map((i) => [i.sku, i.id])),
      };
    }
    // a London bar in an organisation whose books are in euros by default: its own currency shows the override
    const venue = await records.venues.createVenue(orgId, { name: 'The Anchor', timezone: 'Europe/London', currency: 'GBP' });
    const mainBar = await records.venues.createLocation(orgId, { venueId: venue.id, name: 'Main Bar', type: 'bar' });
    const rooftop = await records.venues.createLocation(orgId, { venueId: venue.id, name: 'Rooftop', type: 'bar' });
    const storage = await records.venues.createLocation(orgId, { venueId: venue.id, name: 'Storage', type: 'storage' });
    const items: Record<string, string> = {};
    for (const [sku, name, category, barcode, size, cost, supplier, par, reorder] of DEMO_ITEMS) {
      const item = await records.items.create(orgId, { sku, name, category, barcode, bottleSizeMl: size, unitCost: cost, supplier });
      items[sku] = item.id;
      await records.items.setStockSettings(orgId, { itemId: item.id, locationId: mainBar.id, parLevel: par, reorderPoint: reorder });
      await records.items.setStockSettings(orgId, {
        itemId: item.id,
        locationId: storage.id,
        parLevel: par * 2,
        reorderPoint: reorder * 2,
      });
      if (par >= 3)
        await records.items.setStockSettings(orgId, {
          itemId: item.id,
          locationId: rooftop.id,
          parLevel: Math.ceil(par / 2),
          reorderPoint: 1,
        });
    }
    return { orgId, venueId: venue.id, locations: { mainBar: mainBar.id, rooftop: rooftop.id, storage: storage.id }, items };
  });
}

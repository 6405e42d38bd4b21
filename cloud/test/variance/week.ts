import { uuidv7 } from '@smartstock/protocol';
import type { Db } from '../../src/db/index.js';
import { InventoryService, ObservationService, type Adjustment } from '../../src/inventory/index.js';
import type { AlertFeed } from '../../src/alerts/index.js';
import { VenueRepository } from '../../src/venues/venue.repository.js';

/**
 * A constructed week at a venue in London (Europe/London, UTC in November), Monday 2 to Monday 9
 * November 2026, written through the services as the POS import, the bar staff and the
 * cameras would. Its losses are known exactly:
 *
 * Tito's 750 ml at Main Bar, on camera, 20.00 a bottle:
 *   opening camera 3.0 (Sun 23:00) + received 2 − sold 1.5 − waste 0.1 − closing camera 2.2
 *   = 1.2 bottles = 900 ml = 24.00, 1.2 / (1.5 + 0.1 + 1.2) = 42.9 % of usage;
 *   made of a bottle gone at 04:00 on Saturday in five minutes with no sale, and 0.2 on Sunday evening.
 * Jameson 700 ml in Storage, counted by hand, 25.00 a bottle:
 *   opening count 10 + received 6 − sold 3.5 − waste 0.5 − closing count 9 = 3 bottles = 2100 ml = 75.00.
 * Aperol at Main Bar: stocked there, never counted.
 */
export const WEEK = { from: new Date('2026-11-02T00:00:00Z'), to: new Date('2026-11-09T00:00:00Z') };

export interface Week {
  orgId: string;
  venueId: string;
  mainBar: string;
  storage: string;
  titos: string;
  jameson: string;
  aperol: string;
  deviceId: string;
  /** observation ids by the reading's time (ISO) */
  readings: Map<string, string>;
}

/** In a new organisation, or in orgId's (a venue named "The Week" beside whatever it has). */
export async function constructWeek(db: Db, o: { alerts?: AlertFeed | undefined; orgId?: string | undefined } = {}): Promise<Week> {
  const { alerts } = o;
  const venues = new VenueRepository(db);
  const org = o.orgId ? { id: o.orgId } : await venues.createOrganisation('Harbour Bars Ltd');
  const venue = await venues.createVenue(org.id, { name: 'The Week', timezone: 'Europe/London' });
  const mainBar = (await venues.createLocation(org.id, { venueId: venue.id, name: 'Main Bar' })).id;
  const storage = (await venues.createLocation(org.id, { venueId: venue.id, name: 'Storage', type: 'storage' })).id;
  const inventory = new InventoryService(db, alerts);
  const observations = new ObservationService(db, alerts);
  const { rows: users } = await db.query<{ id: string }>(
    `INSERT INTO users (email, name, password_hash) VALUES ($1, 'Manager', 'x') RETURNING id`,
    [`week.manager.${venue.id.slice(0, 8)}@anchor.test`],
  );
  const actor = { orgId: org.id, userId: users[0]!.id };
  const item = async (sku: string, name: string, bottleSizeMl: number, unitCost: number | null, locationId: string) =>
    (
      await inventory.createItem(actor, {
        sku,
        name,
        bottleSizeMl,
        unitCost,
        unit: 'bottle',
        category: 'spirits',
        locations: [{ locationId, parLevel: 6, reorderPoint: 2 }],
      })
    ).id;
  const titos = await item('WK-TITOS-750', "Tito's", 750, 20, mainBar);
  const jameson = await item('WK-JAMESON-700', 'Jameson', 700, 25, storage);
  const aperol = await item('WK-APEROL-700', 'Aperol', 700, 18, mainBar);

  const deviceId = `week-edge-${venue.id.slice(0, 8)}`;
  await db.query(`INSERT INTO devices (id, org_id, venue_id, name) VALUES ($1, $2, $3, 'bar-pi')`, [deviceId, org.id, venue.id]);
  await db.query(`INSERT INTO cameras (org_id, device_id, id, location_id, url) VALUES ($1, $2, 'cam-1', $3, 'rtsp://cam')`, [
    org.id,
    deviceId,
    mainBar,
  ]);
  await db.query(`INSERT INTO slots (org_id, device_id, camera_id, id, item_id, polygon) VALUES ($1, $2, 'cam-1', 'slot-1', $3, '[]')`, [
    org.id,
    deviceId,
    titos,
  ]);
  const device = { id: deviceId, orgId: org.id, venueId: venue.id, health: null };
  const readings = new Map<string, string>();
  let seq = 0;
  const camera = async (at: string, units: number) => {
    const id = uuidv7(Date.parse(at));
    readings.set(new Date(at).toISOString(), id);
    const full = Math.floor(units);
    const fills = [...Array<number>(full).fill(1), ...(units > full ? [Math.round((units - full) * 1000) / 1000] : [])];
    await observations.record(device, {
      v: 1,
      deviceId,
      seq: seq++,
      sentAt: at,
      observations: [
        {
          id,
          cameraId: 'cam-1',
          slotId: 'slot-1',
          sku: 'WK-TITOS-750',
          at,
          count: fills.length,
          fills,
          units,
          confidence: 0.95,
          state: 'ok',
          reason: 'change',
        },
      ],
    });
  };
  const move = (itemId: string, locationId: string, type: Adjustment['type'], quantity: number, at: string, part?: Adjustment['part']) =>
    inventory.adjust(actor, itemId, { locationId, type, quantity, at: new Date(at), sourceType: type === 'SALE' ? 'pos' : 'manual', part });

  // Jameson, in storage: counts by hand, a delivery, sales and a broken bottle
  await move(jameson, storage, 'COUNT', 10, '2026-11-01T12:00:00Z');
  await move(jameson, storage, 'RECEIVE', 6, '2026-11-04T10:00:00Z');
  await move(jameson, storage, 'SALE', 3.5, '2026-11-05T21:00:00Z');
  await move(jameson, storage, 'WASTE', 0.5, '2026-11-06T22:00:00Z');
  await move(jameson, storage, 'COUNT', 9, '2026-11-08T18:00:00Z');

  // Tito's, on camera
  await camera('2026-11-01T20:00:00Z', 3.5);
  await camera('2026-11-01T23:00:00Z', 3.0);
  // put straight on the shelf, where the next reading sees it (a delivery's default is off camera)
  await move(titos, mainBar, 'RECEIVE', 2, '2026-11-03T14:00:00Z', 'on_shelf');
  await camera('2026-11-03T14:05:00Z', 5.0);
  await move(titos, mainBar, 'SALE', 0.5, '2026-11-04T20:00:00Z');
  await camera('2026-11-04T20:05:00Z', 4.5);
  await move(titos, mainBar, 'SALE', 0.3, '2026-11-05T21:00:00Z');
  await camera('2026-11-05T21:05:00Z', 4.2);
  await move(titos, mainBar, 'SALE', 0.7, '2026-11-06T22:00:00Z');
  await camera('2026-11-06T22:05:00Z', 3.5);
  await move(titos, mainBar, 'WASTE', 0.1, '2026-11-06T22:30:00Z');
  await camera('2026-11-06T22:35:00Z', 3.4);
  await camera('2026-11-07T03:55:00Z', 3.4);
  await camera('2026-11-07T04:00:00Z', 2.4);
  await camera('2026-11-08T20:00:00Z', 2.2);
  await camera('2026-11-08T23:30:00Z', 2.2);
  // after the week: must not move its closing
  await camera('2026-11-09T10:00:00Z', 1.0);

  return { orgId: org.id, venueId: venue.id, mainBar, storage, titos, jameson, aperol, deviceId, readings };
}

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { build, type TestCloud } from '../support/cloud.js';
import { VisionJobRepository } from '../../src/vision/job.repository.js';
import { InvoiceRepository } from '../../src/invoices/invoice.repository.js';
import { DeadLetterRepository } from '../../src/ingest/dead-letter.repository.js';

/**
 * Walks every route in the OpenAPI document that takes an id, as the owner of
 * organisation A with organisation B's ids: each must answer 404, exactly as
 * for an id that does not exist. A new route without a sample here fails the test.
 */
describe('tenancy: another organisation’s ids are 404 on every route', () => {
  let t: TestCloud;
  let b: Awaited<ReturnType<TestCloud['otherOrg']>>;
  const B_DEVICE = 'other-org-edge';
  let bAlert: string;
  let bNotification: string;
  let bJob: string;
  let bInvoice: string;
  let aInvoice: string;
  let bOwner: string;
  let bCorrection: string;
  let bSupplier: string;
  let bOrder: string;
  let bRecipe: string;
  let bConnection: string;
  let bImport: string;
  let bInvitation: string;
  let bExport: string;
  let bEvent: string;
  beforeAll(async () => {
    t = await build();
    b = await t.otherOrg();
    expect(
      (await t.api('POST', '/api/v1/devices', { token: b.token, body: { id: B_DEVICE, venueId: b.demo.venueId, name: 'B' } })).status,
    ).toBe(201);
    // an alert of B's (three counts under the reorder point) and a dead-lettered message of B's
    for (let i = 0; i < 3; i++) {
      await t.api('POST', `/api/v1/inventory/items/${b.demo.items['TITOS-750']}/adjust`, {
        token: b.token,
        body: { locationId: b.demo.locations.mainBar, type: 'COUNT', quantity: 1 },
      });
    }
    bAlert = (await t.api('GET', '/api/v1/alerts', { token: b.token })).body[0].id;
    const { rows } = await t.cloud.db.query<{ id: string }>(
      `INSERT INTO notifications (org_id, channel, recipient, body, status) VALUES ($1, 'sms', '+15125550100', 'x', 'dead') RETURNING id`,
      [b.demo.orgId],
    );
    bNotification = rows[0]!.id;
    await new DeadLetterRepository(t.cloud.db).insert({
      topic: 'b/obs',
      deviceId: B_DEVICE,
      orgId: null,
      reason: 'invalid batch',
      payload: Buffer.from('{'),
    });
    // a shelf-photo job of B's (its row alone: no photo needs analysing for this)
    bOwner = ((await t.api('GET', '/api/v1/auth/me', { token: b.token })).body as { id: string }).id;
    bJob = (await new VisionJobRepository(t.cloud.db).create(b.demo.orgId, null, [])).id;
    // an invoice of B's and one of A's, each read and waiting for review (their rows alone: no file needs reading)
    const aOwner = ((await t.api('GET', '/api/v1/auth/me', { token: t.ownerToken })).body as { id: string }).id;
    const invoiceFor = async (orgId: string, venueId: string, userId: string, itemId: string) => {
      const id = randomUUID();
      const repo = new InvoiceRepository(t.cloud.db);
      await repo.create(orgId, { id, venueId, blobKey: `org/${orgId}/invoice/${id}.pdf`, fileKind: 'pdf', pages: 1, createdBy: userId });
      await repo.saveReading(orgId, id, {
        source: 'text',
        pages: 1,
        supplierId: null,
        supplierName: 'Someone',
        invoiceNumber: '1',
        invoiceDate: null,
        orderId: null,
        lines: [{ description: 'x', supplierCode: null, quantity: 1, unitPrice: 1, total: 1, itemId, matchedBy: 'name', matchScore: 1 }],
      });
      return id;
    };
    bInvoice = await invoiceFor(b.demo.orgId, b.demo.venueId, bOwner, b.demo.items['TITOS-750']!);
    aInvoice = await invoiceFor(t.demo.orgId, t.demo.venueId, aOwner, t.demo.items['TITOS-750']!);
    // a slot of B's and a correction of it (the device is offline: stored without a crop)
    const slot = {
      id: 'slot-1',
      itemId: b.demo.items['TITOS-750'],
      polygon: [
        [0, 0],
        [1, 0],
        [1, 1],
      ],
    };
    const camera = { id: 'cam-1', locationId: b.demo.locations.mainBar, url: 'rtsp://10.0.0.9/s', slots: [slot] };
    expect((await t.api('PUT', `/api/v1/devices/${B_DEVICE}/cameras`, { token: b.token, body: { cameras: [camera] } })).status).toBe(200);
    const corrected = await t.api('POST', `/api/v1/devices/${B_DEVICE}/cameras/cam-1/slots/slot-1/corrections`, {
      token: b.token,
      body: { trueCount: 2 },
    });
    bCorrection = corrected.body.correction.id;
    // a supplier of B's and a purchase order of B's
    bSupplier = (await t.api('POST', '/api/v1/suppliers', { token: b.token, body: { name: 'B Wines', email: 'b@example.com' } })).body.id;
    bOrder = (
      await t.api('POST', '/api/v1/orders/create', {
        token: b.token,
        body: { venueId: b.demo.venueId, supplierId: bSupplier, lines: [{ itemId: b.demo.items['TITOS-750'], cases: 1 }] },
      })
    ).body.id;
    // B's recipe, POS connection and previewed CSV import
    const tanq = b.demo.items['TANQ-750'];
    const recipe = { venueId: b.demo.venueId, kind: 'item', posKey: 'G&T', name: 'G&T', components: [{ itemId: tanq, quantity: 50 }] };
    bRecipe = (await t.api('PUT', '/api/v1/recipes', { token: b.token, body: recipe })).body.id;
    const conn = { provider: 'csv', venueId: b.demo.venueId, locationId: b.demo.locations.mainBar };
    bConnection = (await t.api('POST', '/api/v1/pos/connections', { token: b.token, body: conn })).body.id;
    const columns = { item: 'Item', quantity: 'Qty', soldAt: 'Time' };
    await t.api('PUT', '/api/v1/pos/csv/mapping', { token: b.token, body: { venueId: b.demo.venueId, columns } });
    const upload = await fetch(`${t.cloud.url}/api/v1/pos/connections/${bConnection}/csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${b.token}`, 'content-type': 'text/csv' },
      body: 'Item,Qty,Time\nG&T,1,2026-12-05T21:00:00Z\n',
    });
    bImport = ((await upload.json()) as { importId: string }).importId;
    // an invitation of B's
    bExport = (await t.api('POST', '/api/v1/organisation/exports', { token: b.token })).body.id;
    bInvitation = (await t.api('POST', '/api/v1/invitations', { token: b.token, body: { email: 'b-guest@b.test', role: 'bartender' } }))
      .body.id;
    const event = { venueId: b.demo.venueId, day: '2026-12-31', name: 'New Year party' };
    bEvent = (await t.api('POST', '/api/v1/forecast/events', { token: b.token, body: event })).body.id;
  });
  afterAll(() => t?.close());

  const bodies = (): Record<string, unknown> => ({
    'PATCH /api/v1/venues/{id}': { name: 'Renamed' },
    'POST /api/v1/venues/{id}/locations': { name: 'Sneaky' },
    'PATCH /api/v1/inventory/locations/{id}': { name: 'Renamed' },
    'PATCH /api/v1/inventory/items/{id}': { name: 'Renamed' },
    'POST /api/v1/inventory/items/{id}/barcodes': { barcode: '4006381333931' },
    'POST /api/v1/inventory/items/{id}/barcodes/remove': { barcode: '721733000029' },
    'POST /api/v1/inventory/items/{id}/adjust': { locationId: b.demo.locations.mainBar, type: 'COUNT', quantity: 1 },
    'POST /api/v1/inventory/items/{id}/transfer': { toLocationId: b.demo.locations.mainBar, quantity: 1 },
    'PUT /api/v1/devices/{id}/cameras': { cameras: [] },
    'POST /api/v1/devices/{id}/snapshot': { cameraId: 'cam-1' },
    'POST /api/v1/alerts/{id}/acknowledge': {},
    'POST /api/v1/alerts/{id}/resolve': {},
    'PUT /api/v1/notifications/settings/{id}': { channels: ['log'] },
    'POST /api/v1/notifications/{id}/retry': {},
    'PATCH /api/v1/users/{id}': { role: 'manager' },
    'POST /api/v1/devices/{id}/cameras/{cameraId}/slots/{slotId}/corrections': { trueCount: 1 },
    'PATCH /api/v1/suppliers/{id}': { name: 'Renamed' },
    'PUT /api/v1/suppliers/{id}/items': { itemId: t.demo.items['TITOS-750'], caseSize: 6 },
    'POST /api/v1/orders/{id}/approve': {},
    'POST /api/v1/orders/{id}/send': {},
    'POST /api/v1/orders/{id}/cancel': {},
    'PATCH /api/v1/orders/{id}/lines': { lines: [{ lineId: '00000000-0000-4000-8000-000000000000', cases: 1 }] },
    'POST /api/v1/orders/{id}/receive': { lines: [{ lineId: '00000000-0000-4000-8000-000000000000', units: 1 }] },
    'POST /api/v1/invoices/{id}/approve': {},
    // a CSV upload answers 404 for B's connection whatever the body
    'POST /api/v1/pos/connections/{id}/csv': {},
    'POST /api/v1/pos/imports/{id}/confirm': {},
    'POST /api/v1/pos/connections/{id}/backfill': { businessDate: '2026-12-04' },
    'PUT /api/v1/vision/drift-thresholds/{id}': { countErrorAbove: 9 },
    'PATCH /api/v1/pos/connections/{id}': { name: 'Renamed' },
  });
  const idFor = (path: string) => {
    if (path.startsWith('/api/v1/devices/')) return B_DEVICE;
    if (path.startsWith('/api/v1/venues/')) return b.demo.venueId;
    if (path.startsWith('/api/v1/vision/drift-thresholds/')) return b.demo.venueId;
    if (path.startsWith('/api/v1/inventory/locations/')) return b.demo.locations.mainBar;
    if (path.startsWith('/api/v1/inventory/items/')) return b.demo.items['TITOS-750']!;
    if (path.startsWith('/api/v1/alerts/')) return bAlert;
    if (path.startsWith('/api/v1/notifications/settings/')) return b.demo.venueId;
    if (path.startsWith('/api/v1/notifications/')) return bNotification;
    if (path.startsWith('/api/v1/vision/processing-status/')) return bJob;
    if (path.startsWith('/api/v1/jobs/')) return bJob;
    if (path.startsWith('/api/v1/users/')) return bOwner;
    if (path.startsWith('/api/v1/corrections/')) return bCorrection;
    if (path.startsWith('/api/v1/suppliers/')) return bSupplier;
    if (path.startsWith('/api/v1/orders/')) return bOrder;
    if (path.startsWith('/api/v1/invoices/')) return bInvoice;
    if (path.startsWith('/api/v1/recipes/')) return bRecipe;
    if (path.startsWith('/api/v1/pos/connections/')) return bConnection;
    if (path.startsWith('/api/v1/pos/imports/')) return bImport;
    if (path.startsWith('/api/v1/invitations/')) return bInvitation;
    if (path.startsWith('/api/v1/organisation/exports/')) return bExport;
    if (path.startsWith('/api/v1/forecast/events/')) return bEvent;
    throw new Error(`no id of organisation B for ${path}: add one to the tenancy test`);
  };

  it('answers 404 for every id-taking route', async () => {
    const doc = (await t.api('GET', '/docs/json')).body as { paths: Record<string, Record<string, unknown>> };
    const walked: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!path.includes('{id}')) continue;
      // the operator's routes are platform-wide by design: non-operators get 403 (test/orgs/orgs.test.ts)
      if (path.startsWith('/api/v1/operator/')) continue;
      for (const method of Object.keys(ops).map((m) => m.toUpperCase())) {
        const key = `${method} ${path}`;
        const needsBody = ['POST', 'PUT', 'PATCH'].includes(method) && !path.endsWith('/revoke');
        const body = bodies()[key];
        if (needsBody && body === undefined) throw new Error(`no sample body for ${key}: add one to the tenancy test`);
        const url = path.replace('{id}', idFor(path)).replace('{cameraId}', 'cam-1').replace('{slotId}', 'slot-1');
        const r = await t.api(method, url, { token: t.ownerToken, body });
        expect(r.status, key).toBe(404);
        expect(r.body.error.code, key).toBe('not_found');
        walked.push(key);
      }
    }
    expect(walked.length).toBeGreaterThanOrEqual(15);
  });

  it('refuses B’s ids inside request bodies and query strings', async () => {
    const a = t.demo;
    const aSupplier = (await t.api('POST', '/api/v1/suppliers', { token: t.ownerToken, body: { name: 'A Spirits' } })).body.id as string;
    const aLine = (await t.api('GET', `/api/v1/invoices/${aInvoice}`, { token: t.ownerToken })).body.lines[0].id as string;
    const cases: [string, string, unknown][] = [
      [
        'POST',
        `/api/v1/inventory/items/${a.items['TITOS-750']}/adjust`,
        { locationId: b.demo.locations.mainBar, type: 'COUNT', quantity: 3 },
      ],
      ['POST', `/api/v1/inventory/items/${a.items['TITOS-750']}/adjust`, { venueId: b.demo.venueId, type: 'RECEIVE', quantity: 3 }],
      ['POST', `/api/v1/inventory/items/${a.items['TITOS-750']}/transfer`, { toLocationId: b.demo.locations.mainBar, quantity: 1 }],
      [
        'POST',
        `/api/v1/inventory/items/${a.items['TITOS-750']}/transfer`,
        { fromLocationId: b.demo.locations.storage, toLocationId: a.locations.mainBar, quantity: 1 },
      ],
      ['POST', '/api/v1/inventory/locations', { venueId: b.demo.venueId, name: 'Sneaky' }],
      ['POST', '/api/v1/devices', { id: 'sneaky-edge', venueId: b.demo.venueId, name: 'x' }],
      [
        'POST',
        '/api/v1/inventory/items',
        { sku: 'X-1', name: 'X', locations: [{ locationId: b.demo.locations.mainBar, parLevel: 1, reorderPoint: 1 }] },
      ],
      ['POST', '/api/v1/inventory/scan', { barcode: '619947000020', action: 'COUNT', quantity: 1, locationId: b.demo.locations.mainBar }],
      ['GET', `/api/v1/suppliers/pricing?item_id=${b.demo.items['TITOS-750']}`, undefined],
      ['GET', `/api/v1/orders/suggestions?venue_id=${b.demo.venueId}`, undefined],
      [
        'POST',
        '/api/v1/orders/create',
        { venueId: b.demo.venueId, supplierId: aSupplier, lines: [{ itemId: a.items['TITOS-750'], cases: 1 }] },
      ],
      ['POST', '/api/v1/orders/create', { venueId: a.venueId, supplierId: bSupplier, lines: [{ itemId: a.items['TITOS-750'], cases: 1 }] }],
      [
        'POST',
        '/api/v1/orders/create',
        { venueId: a.venueId, supplierId: aSupplier, lines: [{ itemId: b.demo.items['TITOS-750'], cases: 1 }] },
      ],
      ['PUT', `/api/v1/suppliers/${aSupplier}/items`, { itemId: b.demo.items['TITOS-750'] }],
      ['POST', '/api/v1/orders/draft-lines', { venueId: b.demo.venueId, itemId: a.items['TITOS-750'], cases: 1 }],
      ['POST', '/api/v1/orders/draft-lines', { venueId: a.venueId, itemId: b.demo.items['TITOS-750'], cases: 1 }],
      ['POST', '/api/v1/orders/draft-lines', { venueId: a.venueId, itemId: a.items['TITOS-750'], cases: 1, supplierId: bSupplier }],
      ['GET', `/api/v1/forecast?item_id=${b.demo.items['TITOS-750']}&location_id=${b.demo.locations.mainBar}`, undefined],
      ['GET', `/api/v1/forecast?item_id=${a.items['TITOS-750']}&location_id=${b.demo.locations.mainBar}`, undefined],
      ['GET', `/api/v1/forecast?item_id=${b.demo.items['TITOS-750']}&location_id=${a.locations.mainBar}`, undefined],
      ['GET', `/api/v1/forecast/stock-days?venue_id=${b.demo.venueId}`, undefined],
      ['GET', `/api/v1/forecast/accuracy-metrics?venue_id=${b.demo.venueId}`, undefined],
      ['POST', `/api/v1/forecast/retrain?venue_id=${b.demo.venueId}`, undefined],
      ['GET', `/api/v1/forecast/calendar?venue_id=${b.demo.venueId}`, undefined],
      ['PUT', `/api/v1/forecast/calendar?venue_id=${b.demo.venueId}`, { latitude: null, longitude: null, country: 'GB', icalUrls: [] }],
      ['GET', `/api/v1/forecast/events?venue_id=${b.demo.venueId}`, undefined],
      ['POST', '/api/v1/forecast/events', { venueId: b.demo.venueId, day: '2026-12-24', name: 'Sneaky' }],
      ['POST', '/api/v1/pos/connections', { provider: 'csv', venueId: b.demo.venueId, locationId: b.demo.locations.mainBar }],
      ['POST', '/api/v1/pos/connections', { provider: 'csv', venueId: a.venueId, locationId: b.demo.locations.mainBar }],
      ['GET', `/api/v1/pos/unmapped?venueId=${b.demo.venueId}`, undefined],
      ['GET', `/api/v1/pos/coverage?venueId=${b.demo.venueId}`, undefined],
      ['GET', `/api/v1/pos/sales?venueId=${b.demo.venueId}`, undefined],
      ['GET', `/api/v1/pos/csv/mapping?venueId=${b.demo.venueId}`, undefined],
      ['PUT', '/api/v1/pos/csv/mapping', { venueId: b.demo.venueId, columns: { item: 'I', quantity: 'Q', soldAt: 'T' } }],
      ['GET', `/api/v1/recipes?venueId=${b.demo.venueId}`, undefined],
      // a blob key of B's, whether or not it exists: answered as missing
      ['GET', `/api/v1/blobs/org/${b.demo.orgId}/snapshot/${B_DEVICE}/cam-1/any.jpg`, undefined],
      ['GET', `/api/v1/blobs/org/${b.demo.orgId}/crop/${bCorrection}.jpg`, undefined],
      ['GET', `/api/v1/vision/accuracy?venueId=${b.demo.venueId}`, undefined],
      // an invoice uploaded to B's venue; A's invoice approved to B's supplier, item or location
      ['POST', `/api/v1/invoices/process-ocr?venue_id=${b.demo.venueId}`, {}],
      ['POST', `/api/v1/invoices/${aInvoice}/approve`, { supplierId: bSupplier }],
      [
        'POST',
        `/api/v1/invoices/${aInvoice}/approve`,
        { supplierId: aSupplier, lines: [{ lineId: aLine, itemId: b.demo.items['TITOS-750'] }] },
      ],
      ['POST', `/api/v1/invoices/${aInvoice}/approve`, { supplierId: aSupplier, locationId: b.demo.locations.mainBar }],
      ['PUT', '/api/v1/recipes', { venueId: b.demo.venueId, kind: 'item', posKey: 'X', name: 'X', components: [] }],
      [
        'PUT',
        '/api/v1/recipes',
        { venueId: a.venueId, kind: 'item', posKey: 'X', name: 'X', components: [{ itemId: b.demo.items['TANQ-750'], quantity: 30 }] },
      ],
      ['GET', `/api/v1/notifications/recipients?venueId=${b.demo.venueId}`, undefined],
      ['POST', '/api/v1/notifications/test', { venueId: b.demo.venueId, userId: bOwner, channel: 'log' }],
      ['POST', '/api/v1/notifications/test', { venueId: a.venueId, userId: bOwner, channel: 'log' }],
      ...['variance', 'kpis'].flatMap((r) =>
        ['json', 'csv', 'pdf'].map((f): [string, string, unknown] => [
          'GET',
          `/api/v1/reports/${r}?venue_id=${b.demo.venueId}&format=${f}`,
          undefined,
        ]),
      ),
    ];
    for (const [method, path, body] of cases) {
      const r = await t.api(method, path, { token: t.ownerToken, body });
      expect(r.status, `${method} ${path}`).toBe(404);
    }
    await t.api('POST', '/api/v1/devices', { token: t.ownerToken, body: { id: 'a-edge', venueId: a.venueId, name: 'A' } });
    const cams = await t.api('PUT', '/api/v1/devices/a-edge/cameras', {
      token: t.ownerToken,
      body: {
        cameras: [
          {
            id: 'c',
            locationId: a.locations.mainBar,
            url: 'rtsp://x/y',
            slots: [
              {
                id: 's',
                itemId: b.demo.items['TITOS-750'],
                polygon: [
                  [0, 0],
                  [1, 0],
                  [1, 1],
                ],
              },
            ],
          },
        ],
      },
    });
    expect(cams.status).toBe(404);
    // lists never show B's rows
    const items = await t.api('GET', `/api/v1/inventory/items?locationId=${b.demo.locations.mainBar}`, { token: t.ownerToken });
    expect(items.body.items).toEqual([]);
    const connections = await t.api('GET', '/api/v1/pos/connections', { token: t.ownerToken });
    expect(connections.body.map((c: { id: string }) => c.id)).not.toContain(bConnection);
    const devices = await t.api('GET', '/api/v1/devices', { token: t.ownerToken });
    expect(devices.body.map((d: { id: string }) => d.id)).not.toContain(B_DEVICE);
    expect((await t.api('GET', '/api/v1/dead-letters', { token: b.token })).body.deadLetters).toHaveLength(1);
    for (const q of ['', `?deviceId=${B_DEVICE}`])
      expect((await t.api('GET', `/api/v1/dead-letters${q}`, { token: t.ownerToken })).body.deadLetters).toEqual([]);
    expect((await t.api('GET', '/api/v1/suppliers', { token: t.ownerToken })).body.map((s: { id: string }) => s.id)).not.toContain(
      bSupplier,
    );
    expect((await t.api('GET', '/api/v1/orders', { token: t.ownerToken })).body).toEqual([]);
    expect((await t.api('GET', '/api/v1/invoices', { token: t.ownerToken })).body.map((i: { id: string }) => i.id)).toEqual([aInvoice]);
    // B's audit trail (its correction, supplier, order…) and B's corrections in the accuracy figures stay B's
    const bTrail = (await t.api('GET', '/api/v1/audit?limit=200', { token: b.token })).body.entries as { entityId: string | null }[];
    expect(bTrail.map((e) => e.entityId)).toContain(bSupplier);
    const aTrail = (await t.api('GET', `/api/v1/audit?limit=200&actor=${bOwner}`, { token: t.ownerToken })).body.entries;
    expect(aTrail).toEqual([]);
    const aAll = (await t.api('GET', '/api/v1/audit?limit=200', { token: t.ownerToken })).body.entries as { entityId: string | null }[];
    expect(aAll.map((e) => e.entityId)).not.toContain(bSupplier);
    expect((await t.api('GET', '/api/v1/vision/accuracy', { token: b.token })).body.venues).toHaveLength(1);
    expect((await t.api('GET', '/api/v1/vision/accuracy', { token: t.ownerToken })).body.venues).toEqual([]);
    // receiving A's order into B's location (e-mail goes to the log channel in this build)
    await t.api('PATCH', `/api/v1/suppliers/${aSupplier}`, { token: t.ownerToken, body: { email: 'orders@a.example' } });
    const aOrder = (
      await t.api('POST', '/api/v1/orders/create', {
        token: t.ownerToken,
        body: { venueId: a.venueId, supplierId: aSupplier, lines: [{ itemId: a.items['TITOS-750'], cases: 1 }] },
      })
    ).body;
    for (const step of ['approve', 'send'])
      expect((await t.api('POST', `/api/v1/orders/${aOrder.id}/${step}`, { token: t.ownerToken, body: {} })).status).toBe(200);
    const intoB = await t.api('POST', `/api/v1/orders/${aOrder.id}/receive`, {
      token: t.ownerToken,
      body: { locationId: b.demo.locations.storage, lines: [{ lineId: aOrder.lines[0].id, units: 1 }] },
    });
    expect(intoB.status).toBe(404);
    expect((await t.api('GET', `/api/v1/orders/${aOrder.id}`, { token: t.ownerToken })).body.status).toBe('sent');
    // the live socket for B's venue
    const ws = new WebSocket(`${t.cloud.url.replace('http', 'ws')}/api/v1/live?venueId=${b.demo.venueId}`, [
      'smartstock.v1',
      `bearer.${t.ownerToken}`,
    ]);
    expect(await new Promise((r) => ws.once('unexpected-response', (_q, res) => r(res.statusCode)))).toBe(404);
  });
});

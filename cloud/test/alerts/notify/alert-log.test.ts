/**
 * What a low-stock alert writes to the log at info: one line, with what a reader checks it against
 * (item, location, level, reorder point, par), and never whom it went to.
 */
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/index.js';
import { notifyHarness, openNotifyDb } from './harness.js';

const PHONE = '+447911123456';
const EMAIL = 'bar.manager@example.com';

describe('the log of one low-stock alert', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openNotifyDb();
  });
  afterAll(() => db.close());

  it('is one info line naming the item, the location, the level, the reorder point and the par, and no recipient', async () => {
    const out = new PassThrough();
    const lines: Record<string, unknown>[] = [];
    const raw: string[] = [];
    out.on('data', (chunk: Buffer) => {
      for (const l of chunk.toString().split('\n').filter(Boolean)) {
        raw.push(l);
        lines.push(JSON.parse(l) as Record<string, unknown>);
      }
    });
    const h = await notifyHarness(db, {}, () => new Date(), pino({ level: 'debug' }, out));
    // two people at the venue: one on the log channel, one on e-mail and SMS (the log gateway stands in for both)
    await h.person('owner', { channels: ['log'], displayName: 'Owner' });
    await h.person('manager', { channels: ['sms', 'email'], phoneE164: PHONE, email: EMAIL });
    const itemId = await h.item('Patrón Silver');
    await db.query('INSERT INTO item_locations (org_id, item_id, location_id, par_level, reorder_point) VALUES ($1, $2, $3, 4, 2)', [
      h.bar.orgId,
      itemId,
      h.bar.locationId,
    ]);
    await h.lowStock(itemId);
    expect(await h.notifier.drain()).toMatchObject({ sent: 3, dead: 0 });
    await new Promise((r) => setImmediate(r));
    await h.close();

    const info = lines.filter((l) => (l.level as number) >= 30);
    expect(info.map((l) => l.msg)).toEqual(['alert raised']);
    expect(info[0]).toMatchObject({
      module: 'alerts:engine',
      rule: 'low_stock',
      item: 'Patrón Silver',
      itemId,
      location: 'Main Bar',
      locationId: h.bar.locationId,
      stockLevel: 1,
      reorderPoint: 2,
      parLevel: 4,
      notifications: 3,
      text: 'Low: Patrón Silver 700 ml at Main Bar, 1 bottle left (reorder at 2).',
    });
    // the details went to debug, still without a phone number or an address
    expect(lines.filter((l) => l.msg === 'notification sent')).toHaveLength(3);
    for (const l of raw) {
      expect(l).not.toContain(PHONE);
      expect(l).not.toContain(EMAIL);
      expect(l.match(/"module":/g)).toHaveLength(1);
    }
  });
});

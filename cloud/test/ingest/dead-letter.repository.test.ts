import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/index.js';
import { repos } from '../support/repos.js';
import { DEAD_LETTER_KEEP_BYTES } from '../../src/ingest/dead-letter.repository.js';
import { seedDemo } from '../../src/seed/index.js';
import { startDeadLetterPruner } from '../../src/ingest/dead-letter-pruner.js';
import { createLogger } from '@smartstock/runtime';
import { pgliteFactory } from '../support/db.js';
import { waitFor } from '../support/device.js';

/** Issue 24, finding 1: a dead letter is bounded, names its organisation when it can, and ages out. */
describe('dead letters', () => {
  let db: Db;
  let orgId: string;
  beforeAll(async () => {
    db = await pgliteFactory.open();
    orgId = (await repos(db).venues.createOrganisation('Harbour Bars Ltd')).id;
    const demo = await seedDemo(db, orgId);
    await repos(db).devices.create(orgId, { id: 'known-edge', venueId: demo.venueId, name: 'Back bar' });
  });
  afterAll(() => pgliteFactory.dispose(db));

  it('keeps the size, the SHA-256 and only the first 16 KB of a payload', async () => {
    const payload = Buffer.alloc(300 * 1024, 0x7b);
    payload.write('the tail', payload.length - 8);
    await repos(db).deadLetters.insert({ topic: 't/big', deviceId: null, orgId: null, reason: 'too big', payload });
    const [d] = await repos(db).deadLetters.list(null, 1);
    expect(d!.sizeBytes).toBe(payload.length);
    expect(d!.sha256).toBe(createHash('sha256').update(payload).digest('hex'));
    expect(Buffer.from(d!.payload).equals(payload.subarray(0, DEAD_LETTER_KEEP_BYTES))).toBe(true);
  });

  it("carries the device's organisation when the device is known, and none otherwise", async () => {
    const dl = repos(db).deadLetters;
    await dl.insert({ topic: 't/known', deviceId: 'known-edge', orgId: null, reason: 'invalid batch', payload: Buffer.from('{') });
    await dl.insert({ topic: 't/stranger', deviceId: 'stranger-edge', orgId: null, reason: 'unknown device', payload: Buffer.from('{') });
    const [stranger, known] = await dl.list(null, 2);
    expect(known!.orgId).toBe(orgId);
    expect(stranger!.orgId).toBeNull();
  });

  it('prunes those older than the retention, at start', async () => {
    await repos(db).deadLetters.insert({ topic: 't/old', deviceId: null, orgId: null, reason: 'old', payload: Buffer.from('x') });
    await db.query("UPDATE dead_letters SET received_at = now() - interval '31 days' WHERE topic = 't/old'");
    const before = await repos(db).deadLetters.count();
    const pruner = startDeadLetterPruner(db, 30, createLogger('test', { level: 'silent' }));
    try {
      await waitFor(async () => (await repos(db).deadLetters.count()) === before - 1);
    } finally {
      pruner.stop();
    }
    expect((await db.query("SELECT 1 FROM dead_letters WHERE topic = 't/old'")).rowCount).toBe(0);
  });
});

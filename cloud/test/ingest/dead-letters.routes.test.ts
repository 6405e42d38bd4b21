import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '@smartstock/protocol';
import { build, type TestCloud } from '../support/cloud.js';
import { connectDevice, waitFor } from '../support/device.js';
import { DeadLetterRepository } from '../../src/ingest/dead-letter.repository.js';
import { PREVIEW_BYTES } from '../../src/ingest/dead-letter.service.js';

/** Issue 24, finding 11: an organisation reads what its devices sent that ingestion refused, and nobody else's. */
describe('GET /dead-letters', () => {
  let t: TestCloud;
  let b: Awaited<ReturnType<TestCloud['otherOrg']>>;
  const list = async (query = '', token = t.ownerToken) => t.api('GET', `/api/v1/dead-letters${query}`, { token });
  const register = async (token: string, id: string, venueId: string) =>
    expect((await t.api('POST', '/api/v1/devices', { token, body: { id, venueId, name: id } })).status).toBe(201);

  beforeAll(async () => {
    t = await build();
    b = await t.otherOrg();
    await register(t.ownerToken, 'dl-edge', t.demo.venueId);
    await register(t.ownerToken, 'dl-edge-2', t.demo.venueId);
    await register(b.token, 'dl-edge-b', b.demo.venueId);
  });
  afterAll(() => t?.close());

  it(
    "shows a device's bad message to its organisation, not to another, and not a message from no known device",
    { timeout: 20_000 },
    async () => {
      const dev = await connectDevice(t.cloud.brokerUrl, 'dl-edge');
      try {
        await dev.publishAsync(TOPICS.obs('dl-edge'), '{"not": "a batch"', { qos: 1 });
      } finally {
        await dev.endAsync();
      }
      const repo = new DeadLetterRepository(t.cloud.db);
      await repo.insert({
        topic: 'x/stranger',
        deviceId: 'stranger-edge',
        orgId: null,
        reason: 'unknown device',
        payload: Buffer.from('{'),
      });
      await repo.insert({ topic: 'x/b', deviceId: 'dl-edge-b', orgId: null, reason: 'invalid batch', payload: Buffer.from('{') });

      const mine = await waitFor(async () => (await list('?deviceId=dl-edge')).body.deadLetters[0]);
      expect(mine).toMatchObject({ deviceId: 'dl-edge', topic: TOPICS.obs('dl-edge'), size: 17, receivedAt: expect.any(String) });
      expect(mine.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(mine.preview).toEqual({ encoding: 'utf8', text: '{"not": "a batch"', truncated: false });

      const all = (await list()).body.deadLetters.map((d: { deviceId: string }) => d.deviceId);
      expect(all).toContain('dl-edge');
      expect(all).not.toContain('dl-edge-b');
      expect(all).not.toContain('stranger-edge');
      const theirs = (await list('', b.token)).body.deadLetters.map((d: { deviceId: string }) => d.deviceId);
      expect(theirs).toEqual(['dl-edge-b']);
      expect((await list('?deviceId=dl-edge-b')).body.deadLetters).toEqual([]);
    },
  );

  it('filters by device, reason and time, and pages with before', async () => {
    const repo = new DeadLetterRepository(t.cloud.db);
    for (let i = 0; i < 5; i++)
      await repo.insert({
        topic: `x/${i}`,
        deviceId: 'dl-edge-2',
        orgId: null,
        reason: i % 2 ? 'Revoked' : 'invalid batch',
        payload: Buffer.from([i]),
      });
    await t.cloud.db.query(`UPDATE dead_letters SET received_at = '2026-01-01T00:00:00Z' WHERE topic = 'x/0'`);

    const revoked = (await list('?deviceId=dl-edge-2&reason=revoked')).body.deadLetters;
    expect(revoked.map((d: { topic: string }) => d.topic)).toEqual(['x/3', 'x/1']);
    const old = (await list('?deviceId=dl-edge-2&to=2026-01-02T00:00:00Z')).body.deadLetters;
    expect(old.map((d: { topic: string }) => d.topic)).toEqual(['x/0']);
    const recent = (await list('?deviceId=dl-edge-2&from=2026-01-02T00:00:00Z')).body.deadLetters;
    expect(recent).toHaveLength(4);

    const seen: string[] = [];
    let before: number | null = null;
    do {
      const page: { deadLetters: { topic: string }[]; nextBefore: number | null } = (
        await list(`?deviceId=dl-edge-2&limit=2${before === null ? '' : `&before=${before}`}`)
      ).body;
      expect(page.deadLetters.length).toBeLessThanOrEqual(2);
      seen.push(...page.deadLetters.map((d) => d.topic));
      before = page.nextBefore;
    } while (before !== null);
    expect(seen).toEqual(['x/4', 'x/3', 'x/2', 'x/1', 'x/0']);
  });

  it('previews at most the first bytes, as text only when they are UTF-8', async () => {
    const repo = new DeadLetterRepository(t.cloud.db);
    await repo.insert({ topic: 'p/big', deviceId: 'dl-edge-2', orgId: null, reason: 'preview big', payload: Buffer.alloc(64 * 1024, 'é') });
    await repo.insert({
      topic: 'p/bin',
      deviceId: 'dl-edge-2',
      orgId: null,
      reason: 'preview bin',
      payload: Buffer.from([0xff, 0xfe, 0x00, 0x41]),
    });
    await repo.insert({ topic: 'p/nul', deviceId: 'dl-edge-2', orgId: null, reason: 'preview nul', payload: Buffer.from('a\u0000b') });
    const [nul, bin, big] = (await list('?deviceId=dl-edge-2&reason=preview')).body.deadLetters;
    expect(big.size).toBe(64 * 1024);
    expect(big.preview.encoding).toBe('utf8');
    expect(big.preview.truncated).toBe(true);
    expect(Buffer.byteLength(big.preview.text)).toBeLessThanOrEqual(PREVIEW_BYTES);
    expect(big.preview.text).toMatch(/^é+$/);
    expect(bin.preview).toEqual({ encoding: 'hex', text: 'fffe0041', truncated: false });
    expect(nul.preview).toEqual({ encoding: 'utf8', text: 'a\\u0000b', truncated: false });
  });

  it('is for owners and technicians; a bad filter is 400 naming it', async () => {
    expect((await list('', await t.userWithRole('bartender'))).status).toBe(403);
    expect((await list('', await t.userWithRole('manager'))).status).toBe(403);
    expect((await list('', await t.userWithRole('technician'))).status).toBe(200);
    const bad = await list('?from=yesterday');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('from');
    expect((await list('?limit=0')).status).toBe(400);
  });
});

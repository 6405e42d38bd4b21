import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { TOPICS } from '@smartstock/protocol';
import { createLogger } from '@smartstock/runtime';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/broker/embedded.js';
import { createIngestLink, type IngestLink, type MessageSink } from '../../src/ingest/index.js';
import { seedPki } from '../support/pki.js';
import { connectDevice, waitFor } from '../support/device.js';

const DEV = 'poison-edge';

/**
 * Issue 24, finding 1: a message that fails for its own sake (here the error a 200 MB payload
 * once gave) is dead-lettered with the reason and acknowledged, not retried forever while every
 * message behind it waits. A database that is away is still retried.
 */
describe('ingest and a poison message', () => {
  let broker: EmbeddedBroker;
  let link: IngestLink;
  let dev: MqttClient;
  const attempts = new Map<string, number>();
  const stored: string[] = [];
  const dead: { topic: string; reason: string }[] = [];
  let databaseAway = true;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'poison-'));
    seedPki(dataDir);
    const logger = createLogger('test', { level: 'silent' });
    broker = await startEmbeddedBroker({ dataDir, host: '127.0.0.1', port: 0, hostnames: [], logger });
    const sink: MessageSink = {
      handle: async (_topic, payload) => {
        const body = Buffer.from(payload).toString();
        attempts.set(body, (attempts.get(body) ?? 0) + 1);
        if (body === 'poison') throw new RangeError('Invalid array length');
        if (body === 'outage' && databaseAway)
          throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
        stored.push(body);
      },
      deadLetter: async (topic, _payload, reason) => {
        dead.push({ topic, reason });
      },
    };
    link = createIngestLink();
    await link.start({ connectInternal: broker.connectInternal, clientId: 'cloud.internal', logger }, sink);
    dev = await connectDevice(broker.url, DEV);
  });
  afterAll(async () => {
    await dev?.endAsync(true);
    await link?.stop();
    await broker?.close();
  });

  it('dead-letters it with the reason, acknowledges it, and the next message gets through', { timeout: 20_000 }, async () => {
    await dev.publishAsync(TOPICS.obs(DEV), 'poison', { qos: 1 });
    await dev.publishAsync(TOPICS.obs(DEV), 'good', { qos: 1 });
    // two batches settle at once: 'good' may commit while 'poison' is still being retried (its PUBACK waits)
    await waitFor(() => stored.includes('good') && dead.length > 0);
    expect(dead).toEqual([{ topic: TOPICS.obs(DEV), reason: 'ingest failed: Invalid array length' }]);
    expect(attempts.get('poison')).toBe(3);
  });

  it('keeps retrying while the database is away, and stores the message once it is back', { timeout: 20_000 }, async () => {
    await dev.publishAsync(TOPICS.obs(DEV), 'outage', { qos: 1 });
    await waitFor(() => (attempts.get('outage') ?? 0) > 4);
    databaseAway = false;
    await waitFor(() => stored.includes('outage'));
    expect(dead).toHaveLength(1);
  });
});

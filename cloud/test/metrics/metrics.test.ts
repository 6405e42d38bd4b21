import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import WebSocket from 'ws';
import { TOPICS } from '@smartstock/protocol';
import { makeBatch, makeObservation, makeOnlineStatus } from '@smartstock/protocol/testing';
import { build, type TestCloud } from '../support/cloud.js';
import { connectDevice, waitFor } from '../support/device.js';
import { parseMetrics, valueOf, type Sample } from './scrape.js';

const DEV = 'metrics-edge';

/** /metrics scraped as Prometheus would, before and after real traffic: each series must move. */
describe('GET /metrics after real traffic', () => {
  let t: TestCloud;
  let dev: MqttClient;
  const scrape = async (): Promise<Sample[]> => {
    const r = await fetch(`${t.cloud.url}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/plain');
    return parseMetrics(await r.text());
  };
  beforeAll(async () => {
    t = await build();
    await t.api('POST', '/api/v1/devices', { token: t.ownerToken, body: { id: DEV, venueId: t.demo.venueId, name: 'Metrics' } });
    dev = await connectDevice(t.cloud.brokerUrl, DEV);
  });
  afterAll(async () => {
    await dev?.endAsync(true);
    await t?.close();
  });

  it('times HTTP requests by route pattern, never by the raw URL', async () => {
    const route = { method: 'GET', route: '/api/v1/venues/:id', status: '200' };
    const before = valueOf(await scrape(), 'smartstock_http_request_duration_seconds_count', route);
    expect((await t.api('GET', `/api/v1/venues/${t.demo.venueId}`, { token: t.ownerToken })).status).toBe(200);
    expect((await t.api('GET', `/no/such/${t.demo.venueId}`)).status).toBe(404);
    const after = await scrape();
    expect(valueOf(after, 'smartstock_http_request_duration_seconds_count', route)).toBe(before + 1);
    expect(valueOf(after, 'smartstock_http_request_duration_seconds_count', { route: '(unmatched)', status: '404' })).toBe(1);
    expect(after.some((s) => Object.values(s.labels).some((v) => v.includes(t.demo.venueId)))).toBe(false);
  });

  it('counts ingested observations, their lag from capture to commit, and dead letters by reason', async () => {
    const before = await scrape();
    await dev.publishAsync(TOPICS.status(DEV), JSON.stringify(makeOnlineStatus({ deviceId: DEV })), { qos: 1, retain: true });
    const capturedAt = new Date(Date.now() - 30_000).toISOString();
    const observations = [
      makeObservation({ cameraId: 'cam-1', slotId: 'a', at: capturedAt }),
      makeObservation({ cameraId: 'cam-1', slotId: 'b', at: capturedAt }),
    ];
    await dev.publishAsync(TOPICS.obs(DEV), JSON.stringify(makeBatch({ deviceId: DEV, seq: 1, observations })), { qos: 1 });
    await dev.publishAsync(TOPICS.obs(DEV), '{ not json', { qos: 1 });
    const after = await waitFor(async () => {
      const s = await scrape();
      return valueOf(s, 'smartstock_dead_letters_total') > valueOf(before, 'smartstock_dead_letters_total') &&
        valueOf(s, 'smartstock_ingest_observations_total') > valueOf(before, 'smartstock_ingest_observations_total')
        ? s
        : undefined;
    });
    const moved = (name: string, labels: Record<string, string> = {}) => valueOf(after, name, labels) - valueOf(before, name, labels);
    expect(moved('smartstock_ingest_observations_total')).toBe(2);
    expect(moved('smartstock_ingest_messages_total', { kind: 'obs', outcome: 'stored' })).toBe(1);
    expect(moved('smartstock_ingest_messages_total', { kind: 'obs', outcome: 'dead_letter' })).toBe(1);
    expect(moved('smartstock_dead_letters_total', { reason: 'invalid batch', stored: 'true' })).toBe(1);
    // both rows waited 30 s or more between the camera and the database: none in a bucket under 30 s
    expect(moved('smartstock_ingest_lag_seconds_count')).toBe(2);
    expect(moved('smartstock_ingest_lag_seconds_bucket', { le: '10' })).toBe(0);
    expect(moved('smartstock_ingest_lag_seconds_bucket', { le: '60' })).toBe(2);
    expect(valueOf(after, 'smartstock_ingest_lag_seconds_sum')).toBeGreaterThanOrEqual(60);
    await waitFor(async () => valueOf(await scrape(), 'smartstock_ingest_messages_total', { kind: 'status', outcome: 'stored' }) === 1);
  });

  it('reports job queue depth per kind, WebSocket clients, and notification outcomes', async () => {
    const s = await scrape();
    const kinds = s.filter((x) => x.name === 'smartstock_job_queue_depth').map((x) => x.labels.name);
    expect(kinds).toEqual(expect.arrayContaining(['vision_analyze_shelf']));
    expect(valueOf(s, 'smartstock_websocket_clients')).toBe(0);
    const ws = new WebSocket(`${t.cloud.url.replace('http', 'ws')}/api/v1/live?venueId=${t.demo.venueId}`, [
      'smartstock.v1',
      `bearer.${t.ownerToken}`,
    ]);
    await new Promise((r) => ws.once('open', r));
    await waitFor(async () => valueOf(await scrape(), 'smartstock_websocket_clients') === 1);
    ws.close();
    await waitFor(async () => valueOf(await scrape(), 'smartstock_websocket_clients') === 0);
    // three counts under the reorder point raise low_stock; its message to the owner goes out on the log channel
    for (let i = 0; i < 3; i++)
      await t.api('POST', `/api/v1/inventory/items/${t.demo.items['TITOS-750']}/adjust`, {
        token: t.ownerToken,
        body: { locationId: t.demo.locations.mainBar, type: 'COUNT', quantity: 1 },
      });
    await waitFor(async () => valueOf(await scrape(), 'smartstock_notifications_total', { channel: 'log', outcome: 'sent' }) >= 1);
  });
});

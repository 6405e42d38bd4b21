import { describe, expect, it } from 'vitest';
import { TOPICS, type DeviceStatus, type ObservationBatch } from '@smartstock/protocol';
import { makeBatch, makeObservation, makeOnlineStatus } from '@smartstock/protocol/testing';
import { createLogger } from '@smartstock/runtime';
import type { Queryable } from '../../src/db/types.js';
import type { Device } from '../../src/devices/index.js';
import { dispatcher, type IngestServices } from '../../src/ingest/dispatch.js';
import { PartlyHandled, type IngestMessage } from '../../src/ingest/link.js';

const device = (id: string): Device => ({
  id,
  orgId: 'org-1',
  venueId: 'venue-1',
  name: id,
  certFingerprint: null,
  revokedAt: null,
  online: true,
  lastSeenAt: null,
  health: null,
  configRevision: 0,
  configAckedRevision: 0,
  configError: null,
});

/** Services that record each call (what one transaction each is) and fail where told. */
function fakes(o: { failStatuses?: boolean; failObservations?: boolean } = {}) {
  const calls: string[] = [];
  const services: IngestServices = {
    observations: {
      record: async (d, batch) => {
        calls.push(`record ${d.id}`);
        return { stored: batch.observations.length, folded: 0, duplicates: 0 };
      },
      recordMany: async (batches: readonly { device: { id: string }; batch: ObservationBatch }[]) => {
        if (o.failObservations) throw new Error('database away');
        calls.push(`recordMany ${batches.map((b) => b.device.id).join(',')}`);
        return batches.map((b) => ({ stored: b.batch.observations.length, folded: 0, duplicates: 0 }));
      },
    },
    devices: {
      forIngest: async (id) => device(id),
      forIngestMany: async (ids) => new Map(ids.map((id) => [id, device(id)])),
      recordStatus: async (id, s: DeviceStatus) => {
        calls.push(`recordStatus ${id} ${s.state}`);
        return true;
      },
      recordStatusMany: async (statuses) => {
        if (o.failStatuses) throw new Error('database away');
        calls.push(`recordStatusMany ${statuses.map((s) => `${s.deviceId} ${s.status.state}`).join(',')}`);
        return statuses.map(() => true);
      },
      recordAck: async (id) => {
        calls.push(`recordAck ${id}`);
        return true;
      },
    },
  };
  const db = {
    query: async () => {
      throw new Error('no dead letter expected');
    },
  } as unknown as Queryable;
  return { calls, sink: dispatcher(services, db, createLogger('test', { level: 'silent' })) };
}

const obs = (deviceId: string, seq: number): IngestMessage => ({
  topic: TOPICS.obs(deviceId),
  payload: Buffer.from(JSON.stringify(makeBatch({ deviceId, seq, observations: [makeObservation()] }))),
});
const status = (deviceId: string, state: 'online' | 'offline' = 'online'): IngestMessage => ({
  topic: TOPICS.status(deviceId),
  payload: Buffer.from(JSON.stringify(state === 'online' ? makeOnlineStatus({ deviceId }) : { v: 1, deviceId, state: 'offline' })),
});

describe('dispatch of a batch of messages (handleMany)', () => {
  it('commits every observation batch in one transaction and the statuses between them in another', async () => {
    // issue #30: a fleet's statuses (every 60 s) cut a run of observations into hundreds of transactions,
    // each status on its own behind them: seconds at half rate on one cloud
    const { calls, sink } = fakes();
    await sink.handleMany!([obs('a', 1), status('b'), obs('c', 1), status('d'), obs('e', 1)]);
    expect(calls).toEqual(['recordStatusMany b online,d online', 'recordMany a,c,e']);
  });

  it("keeps a device's statuses in arrival order, and an ack in its place among them", async () => {
    const { calls, sink } = fakes();
    const ack: IngestMessage = {
      topic: TOPICS.configAck('c'),
      payload: Buffer.from(JSON.stringify({ v: 1, deviceId: 'c', revision: 1, status: 'applied', at: new Date().toISOString() })),
    };
    await sink.handleMany!([status('a', 'offline'), obs('b', 1), status('a'), ack, status('c')]);
    expect(calls).toEqual(['recordStatusMany a offline,a online', 'recordAck c', 'recordStatusMany c online', 'recordMany b']);
  });

  it('says which messages were handled when a transaction fails: the statuses, not the observations', async () => {
    const { sink } = fakes({ failObservations: true });
    const e = await sink.handleMany!([obs('a', 1), status('b'), obs('c', 1)]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PartlyHandled);
    expect((e as PartlyHandled).handled).toEqual([false, true, false]);

    const failing = fakes({ failStatuses: true });
    const f = await failing.sink.handleMany!([obs('a', 1), status('b'), obs('c', 1)]).catch((x: unknown) => x);
    expect((f as PartlyHandled).handled).toEqual([false, false, false]);
    expect(failing.calls).toEqual([]);
  });
});

import {
  decodeConfigAck,
  decodeDeviceStatus,
  decodeObservationBatch,
  formatDecodeError,
  parseTopic,
  type Decoded,
  type DeviceStatus,
  type ObservationBatch,
} from '@smartstock/protocol';
import type { Logger } from '@smartstock/runtime';
import type { Queryable } from '../db/types.js';
import type { Device, DeviceService } from '../devices/index.js';
import type { ObservationService } from '../inventory/index.js';
import { nulField } from '../plugins/nul.js';
import { DeadLetterRepository } from './dead-letter.repository.js';
import type { DeadLetterLimit } from './flood-limit.js';
import { PartlyHandled, type IngestMessage, type MessageSink } from './link.js';

type DeadLetterWrite = (topic: string, deviceId: string | null, orgId: string | null, payload: Uint8Array, reason: string) => Promise<void>;

/** Where dispatch reports what it did (metrics/ implements it); every call is cheap and never throws. */
export interface IngestObserver {
  /** a batch committed: rows stored (0: a redelivery), each observation's capture time, the commit time */
  batch(stored: number, capturedAt: readonly string[], committedAt: number): void;
  /** a status or config ack handled */
  message(kind: string): void;
  deadLetter(kind: string, reason: string, stored: boolean): void;
}

export interface IngestServices {
  observations: Pick<ObservationService, 'record' | 'recordMany'>;
  devices: Pick<DeviceService, 'forIngest' | 'recordStatus' | 'recordAck'> &
    Partial<Pick<DeviceService, 'forIngestMany' | 'recordStatusMany'>>;
  /** true while the device's organisation is suspended by the operator: what it sends then changes nothing */
  orgSuspended?: (orgId: string) => Promise<boolean>;
}

/**
 * The one place an MQTT message becomes a service call: it parses the topic,
 * decodes the payload, checks that the payload's device is the topic's and
 * that the device is known and not revoked, then hands the service a typed
 * message. Anything else goes to dead_letters with the reason (at most
 * `limit` a device a minute); only a database failure throws (and the link
 * retries it).
 */
export function dispatcher(s: IngestServices, db: Queryable, log: Logger, limit?: DeadLetterLimit, observe?: IngestObserver): MessageSink {
  const deadLetters = new DeadLetterRepository(db);
  const dead: DeadLetterWrite = async (topic, deviceId, orgId, payload, reason) => {
    log.debug({ topic, reason }, 'dead letter');
    const kind = parseTopic(topic)?.kind ?? 'unknown';
    // a flooding device's dead letters beyond its limit are counted (flood-limit.ts), not stored
    if (limit && !limit.admit(deviceId)) return observe?.deadLetter(kind, reason, false);
    await deadLetters.insert({ topic, deviceId, orgId, reason, payload });
    observe?.deadLetter(kind, reason, true);
  };

  const forIngest = (id: string) => s.devices.forIngest(id);

  /** The decoded message and its device, or undefined once it is dead-lettered. */
  async function admit<T extends { deviceId: string }>(
    dead: DeadLetterWrite,
    lookup: (id: string) => Promise<Device | undefined>,
    topic: string,
    topicDeviceId: string,
    payload: Uint8Array,
    what: string,
    decoded: Decoded<T>,
  ): Promise<{ message: T; device: Device } | undefined> {
    if (!decoded.ok) return void (await dead(topic, topicDeviceId, null, payload, `invalid ${what}: ${formatDecodeError(decoded.error)}`));
    const message = decoded.value;
    // PostgreSQL text cannot hold NUL: refused here rather than failing the insert three times
    const nul = nulField({ [what.replace(/^config /, '')]: message });
    if (nul) return void (await dead(topic, topicDeviceId, null, payload, `invalid ${what}: ${nul} contains a NUL character`));
    if (message.deviceId !== topicDeviceId)
      return void (await dead(
        topic,
        topicDeviceId,
        null,
        payload,
        `device mismatch: payload says ${message.deviceId}, topic says ${topicDeviceId}`,
      ));
    const device = await lookup(topicDeviceId);
    if (!device) return void (await dead(topic, topicDeviceId, null, payload, 'unknown device'));
    // a revoked device's messages (a broker that cannot cut its session, or ones already queued) change nothing
    if (device.revokedAt) return void (await dead(topic, topicDeviceId, device.orgId, payload, 'revoked'));
    if (await s.orgSuspended?.(device.orgId))
      return void (await dead(topic, topicDeviceId, device.orgId, payload, 'organisation suspended'));
    return { message, device };
  }

  /**
   * A run of observation batches in one transaction. The run's dead letters are written only once
   * it has committed, so a run that fails has written nothing and can be handled again one by one.
   */
  /** Dead letters kept until the run has committed, so a run that fails has written none. */
  function deadLettersAfterCommit() {
    const held: Parameters<DeadLetterWrite>[] = [];
    const hold: DeadLetterWrite = async (...letter) => void held.push(letter);
    const flush = async () => {
      for (const letter of held) await dead(...letter);
    };
    return { held, hold, flush };
  }

  /**
   * The run's devices in one query (a query a message was a fifth of a small message's statements),
   * read afresh for every run, so a revocation counts from the next run on as it did message by message.
   */
  async function runLookup(run: readonly IngestMessage[]): Promise<typeof forIngest> {
    if (!s.devices.forIngestMany) return forIngest;
    const known = await s.devices.forIngestMany([...new Set(run.map((m) => parseTopic(m.topic)!.deviceId))]);
    return async (id: string) => known.get(id);
  }

  async function observationRun(run: readonly IngestMessage[]): Promise<void> {
    const deadLetters = deadLettersAfterCommit();
    const admitted: { message: ObservationBatch; device: Device }[] = [];
    const lookup = await runLookup(run);
    for (const { topic, payload } of run) {
      const ok = await admit(
        deadLetters.hold,
        lookup,
        topic,
        parseTopic(topic)!.deviceId,
        payload,
        'batch',
        decodeObservationBatch(payload),
      );
      if (ok) admitted.push(ok);
    }
    const outs = admitted.length ? await s.observations.recordMany(admitted.map((a) => ({ device: a.device, batch: a.message }))) : [];
    const committedAt = Date.now();
    // a folded heartbeat was taken as a stored one is (its slot's reading moved to its time)
    outs.forEach((out, i) =>
      observe?.batch(
        out.stored + out.folded,
        admitted[i]!.message.observations.map((o) => o.at),
        committedAt,
      ),
    );
    log.debug({ batches: admitted.length, stored: outs.reduce((n, o) => n + o.stored, 0) }, 'batches stored');
    await deadLetters.flush();
  }

  /**
   * A run of statuses in one transaction (a fleet's statuses come together: each in its own, with its
   * device read alone, held everything behind it). Dead letters are written once it has committed, as for
   * observations; a device that is not known by then is one too.
   */
  async function statusRun(run: readonly IngestMessage[]): Promise<void> {
    const deadLetters = deadLettersAfterCommit();
    const lookup = await runLookup(run);
    const admitted: { topic: string; payload: Uint8Array; deviceId: string; status: DeviceStatus }[] = [];
    for (const { topic, payload } of run) {
      if (payload.byteLength === 0) continue; // a cleared retained message
      const deviceId = parseTopic(topic)!.deviceId;
      const ok = await admit(deadLetters.hold, lookup, topic, deviceId, payload, 'status', decodeDeviceStatus(payload));
      if (ok) admitted.push({ topic, payload, deviceId, status: ok.message });
    }
    const recorded = admitted.length ? await s.devices.recordStatusMany!(admitted) : [];
    admitted.forEach((status, i) =>
      recorded[i]
        ? observe?.message('status')
        : deadLetters.held.push([status.topic, status.deviceId, null, status.payload, 'unknown device']),
    );
    await deadLetters.flush();
  }

  const isStatus = (m: IngestMessage) => parseTopic(m.topic)?.kind === 'status';

  const sink: MessageSink = {
    deadLetter: (topic, payload, reason) => dead(topic, parseTopic(topic)?.deviceId ?? null, null, payload, reason),
    async handleMany(messages) {
      // Statuses and config acks first, in arrival order (consecutive statuses in one transaction), then every
      // observation batch in one: a status or an ack between two batches made them three transactions, and a
      // fleet's statuses (every 60 s) cut a run into hundreds. Observations are judged against their device's
      // health by the reading's time, not the order of arrival (a report speaks for readings up to its time),
      // and a device's statuses keep their order (the link's orderKey; a status run is in arrival order).
      const handled = messages.map(() => false);
      const mark = (indices: readonly number[]) => indices.forEach((i) => (handled[i] = true));
      try {
        const others: number[] = [];
        const observations: number[] = [];
        messages.forEach((m, i) => (parseTopic(m.topic)?.kind === 'obs' ? observations : others).push(i));
        for (let k = 0; k < others.length;) {
          let end = k;
          if (s.devices.forIngestMany && s.devices.recordStatusMany) while (end < others.length && isStatus(messages[others[end]!]!)) end++;
          if (end > k) await statusRun(others.slice(k, end).map((i) => messages[i]!));
          else {
            const { topic, payload } = messages[others[k]!]!;
            await sink.handle(topic, payload);
            end = k + 1;
          }
          mark(others.slice(k, end));
          k = end;
        }
        if (observations.length) await observationRun(observations.map((i) => messages[i]!));
        mark(observations);
      } catch (e) {
        throw new PartlyHandled(handled, e);
      }
    },
    async handle(topic, payload) {
      const t = parseTopic(topic);
      if (!t) return dead(topic, null, null, payload, 'not a SmartStock v1 topic');
      if (t.kind === 'obs') {
        const ok = await admit(dead, forIngest, topic, t.deviceId, payload, 'batch', decodeObservationBatch(payload));
        if (!ok) return;
        const out = await s.observations.record(ok.device, ok.message);
        observe?.batch(
          out.stored + out.folded,
          ok.message.observations.map((o) => o.at),
          Date.now(),
        );
        log.debug({ deviceId: t.deviceId, ...out }, 'batch stored');
        return;
      }
      if (t.kind === 'status') {
        if (payload.byteLength === 0) return; // a cleared retained message
        const ok = await admit(dead, forIngest, topic, t.deviceId, payload, 'status', decodeDeviceStatus(payload));
        if (!ok) return;
        if (await s.devices.recordStatus(t.deviceId, ok.message)) observe?.message('status');
        else await dead(topic, t.deviceId, null, payload, 'unknown device');
        return;
      }
      if (t.kind === 'config/ack') {
        const ok = await admit(dead, forIngest, topic, t.deviceId, payload, 'config ack', decodeConfigAck(payload));
        if (!ok) return;
        if (await s.devices.recordAck(t.deviceId, ok.message)) observe?.message('config/ack');
        else await dead(topic, t.deviceId, null, payload, 'unknown device');
        return;
      }
      await dead(topic, t.deviceId, null, payload, `unexpected topic kind ${t.kind} from a device`);
    },
  };
  return sink;
}

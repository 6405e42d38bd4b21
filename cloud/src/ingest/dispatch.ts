import {
  decodeConfigAck,
  decodeDeviceStatus,
  decodeObservationBatch,
  formatDecodeError,
  parseTopic,
  type Decoded,
} from '@smartstock/protocol';
import type { Logger } from '@smartstock/runtime';
import type { Queryable } from '../db/types.js';
import type { Device, DeviceService } from '../devices/index.js';
import type { ObservationService } from '../inventory/index.js';
import { DeadLetterRepository } from './dead-letter.repository.js';
import type { MessageSink } from './link.js';

export interface IngestServices {
  observations: Pick<ObservationService, 'record'>;
  devices: Pick<DeviceService, 'forIngest' | 'recordStatus' | 'recordAck'>;
}

/**
 * The one place an MQTT message becomes a service call: it parses the topic,
 * decodes the payload, checks that the payload's device is the topic's and
 * that the device is known (and, for counts, not revoked), then hands the
 * service a typed message. Anything else goes to dead_letters with the
 * reason; only a database failure throws (and the link retries it).
 */
export function dispatcher(s: IngestServices, db: Queryable, log: Logger): MessageSink {
  const deadLetters = new DeadLetterRepository(db);
  const dead = async (topic: string, deviceId: string | null, orgId: string | null, payload: Uint8Array, reason: string) => {
    log.debug({ topic, reason }, 'dead letter');
    await deadLetters.insert({ topic, deviceId, orgId, reason, payload });
  };

  /** The decoded message and its device, or undefined once it is dead-lettered. */
  async function admit<T extends { deviceId: string }>(
    topic: string,
    topicDeviceId: string,
    payload: Uint8Array,
    what: string,
    decoded: Decoded<T>,
    o: { refuseRevoked: boolean },
  ): Promise<{ message: T; device: Device } | undefined> {
    if (!decoded.ok) return void (await dead(topic, topicDeviceId, null, payload, `invalid ${what}: ${formatDecodeError(decoded.error)}`));
    const message = decoded.value;
    if (message.deviceId !== topicDeviceId)
      return void (await dead(
        topic,
        topicDeviceId,
        null,
        payload,
        `device mismatch: payload says ${message.deviceId}, topic says ${topicDeviceId}`,
      ));
    const device = await s.devices.forIngest(topicDeviceId);
    if (!device) return void (await dead(topic, topicDeviceId, null, payload, 'unknown device'));
    if (o.refuseRevoked && device.revokedAt) return void (await dead(topic, topicDeviceId, device.orgId, payload, 'device is revoked'));
    return { message, device };
  }

  return {
    deadLetter: (topic, payload, reason) => dead(topic, null, null, payload, reason),
    async handle(topic, payload) {
      const t = parseTopic(topic);
      if (!t) return dead(topic, null, null, payload, 'not a SmartStock v1 topic');
      if (t.kind === 'obs') {
        const ok = await admit(topic, t.deviceId, payload, 'batch', decodeObservationBatch(payload), { refuseRevoked: true });
        if (!ok) return;
        const out = await s.observations.record(ok.device, ok.message);
        log.debug({ deviceId: t.deviceId, ...out }, 'batch stored');
        return;
      }
      if (t.kind === 'status') {
        if (payload.byteLength === 0) return; // a cleared retained message
        // a revoked device's status and last will still show on its page
        const ok = await admit(topic, t.deviceId, payload, 'status', decodeDeviceStatus(payload), { refuseRevoked: false });
        if (ok && !(await s.devices.recordStatus(t.deviceId, ok.message))) await dead(topic, t.deviceId, null, payload, 'unknown device');
        return;
      }
      if (t.kind === 'config/ack') {
        const ok = await admit(topic, t.deviceId, payload, 'config ack', decodeConfigAck(payload), { refuseRevoked: false });
        if (ok && !(await s.devices.recordAck(t.deviceId, ok.message))) await dead(topic, t.deviceId, null, payload, 'unknown device');
        return;
      }
      await dead(topic, t.deviceId, null, payload, `unexpected topic kind ${t.kind} from a device`);
    },
  };
}

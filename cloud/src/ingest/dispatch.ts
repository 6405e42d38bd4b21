import { decodeConfigAck, decodeDeviceStatus, formatDecodeError, parseTopic } from '@smartstock/protocol';
import type { Logger } from '@smartstock/protocol/runtime';
import { nulField } from '../nul.js';
import type { DeviceService } from '../services/device.service.js';
import type { ObservationService } from '../services/observation.service.js';

export interface IngestServices {
  observations: ObservationService;
  devices: DeviceService;
}

/**
 * Routes one MQTT message to the service for its topic. Anything that does not
 * parse, names another device, or comes from an unknown one goes to
 * dead_letters with the reason; only a database failure throws (and is retried).
 */
export function dispatcher(s: IngestServices, log: Logger) {
  const dead = (topic: string, deviceId: string | null, payload: Uint8Array, reason: string) => {
    log.debug({ topic, reason }, 'dead letter');
    return s.observations.dead(topic, deviceId, null, payload, reason);
  };
  // a revoked device's messages (a broker that cannot cut its session, or ones already queued) change nothing
  const unrecorded = async (deviceId: string) => ((await s.devices.isRevoked(deviceId)) ? 'revoked' : 'unknown device');
  return async function dispatch(topic: string, payload: Uint8Array): Promise<void> {
    const t = parseTopic(topic);
    if (!t) return void (await dead(topic, null, payload, 'not a SmartStock v1 topic'));
    if (t.kind === 'obs') {
      const out = await s.observations.recordBatch(t.deviceId, topic, payload);
      if ('stored' in out) log.debug({ deviceId: t.deviceId, ...out }, 'batch stored');
      return;
    }
    if (t.kind === 'status') {
      if (payload.byteLength === 0) return; // a cleared retained message
      const d = decodeDeviceStatus(payload);
      if (!d.ok) return void (await dead(topic, t.deviceId, payload, `invalid status: ${formatDecodeError(d.error)}`));
      const nul = nulField({ status: d.value });
      if (nul) return void (await dead(topic, t.deviceId, payload, `invalid status: ${nul} contains a NUL character`));
      if (d.value.deviceId !== t.deviceId)
        return void (await dead(topic, t.deviceId, payload, `device mismatch: payload says ${d.value.deviceId}`));
      if (!(await s.devices.recordStatus(t.deviceId, d.value))) await dead(topic, t.deviceId, payload, await unrecorded(t.deviceId));
      return;
    }
    if (t.kind === 'config/ack') {
      const d = decodeConfigAck(payload);
      if (!d.ok) return void (await dead(topic, t.deviceId, payload, `invalid config ack: ${formatDecodeError(d.error)}`));
      const nul = nulField({ ack: d.value });
      if (nul) return void (await dead(topic, t.deviceId, payload, `invalid config ack: ${nul} contains a NUL character`));
      if (d.value.deviceId !== t.deviceId)
        return void (await dead(topic, t.deviceId, payload, `device mismatch: payload says ${d.value.deviceId}`));
      if (!(await s.devices.recordAck(t.deviceId, d.value))) await dead(topic, t.deviceId, payload, await unrecorded(t.deviceId));
      return;
    }
    await dead(topic, t.deviceId, payload, `unexpected topic kind ${t.kind} from a device`);
  };
}

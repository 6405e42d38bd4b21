import { DEVICE_RETAINS, parseTopic } from '@smartstock/protocol';
import type { Logger } from '@smartstock/runtime';

/**
 * A device's retained message on a topic where only its status may be retained. The embedded broker
 * refuses one (cloud/src/broker/rules.ts) and AWS IoT's policy grants iot:RetainPublish on the status
 * alone, but a Mosquitto ACL cannot tell a retained publish from another (docker/mosquitto/acl): there
 * the cloud, which subscribes with "retain as published" to see the flag, clears the stored copy as it
 * arrives, so no new subscriber (another cloud instance, a technician's client) replays it. The message
 * itself is handled as any other: its ids dedupe, and a device could have sent it unretained anyway.
 */
export function retainedSweeper(publishClear: (topic: string) => Promise<unknown>, log: Logger) {
  return {
    /** true when the message is a clear (ours coming back, or the device's own): nothing to ingest. */
    sweep(topic: string, payload: Uint8Array, retain: boolean): boolean {
      if (!retain) return false;
      const t = parseTopic(topic);
      if (!t || DEVICE_RETAINS.includes(t.kind)) return false;
      if (!payload.length) return true;
      log.warn({ deviceId: t.deviceId, topic, kind: t.kind }, 'retained message cleared: a device retains only its status');
      publishClear(topic).catch((err: Error) =>
        log.error({ deviceId: t.deviceId, topic, err: err.message }, 'clearing a retained message failed'),
      );
      return false;
    },
  };
}

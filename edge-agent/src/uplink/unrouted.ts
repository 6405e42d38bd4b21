import type { MqttClient } from 'mqtt';

/** MQTT 5 PUBACK reason 0x10. */
const NO_MATCHING_SUBSCRIBERS = 16;

/**
 * An MQTT 5 broker answers a QoS 1 publish that no subscription matches with
 * PUBACK 0x10 and drops it; mqtt.js reports that as success. This watches the
 * PUBACKs so the publisher can tell: the returned function says whether the
 * publish with this message id was answered that way (and forgets it). Over
 * MQTT 3.1.1 a PUBACK has no reason, and every answer counts as delivered.
 */
export function watchUnrouted(client: MqttClient): (messageId: number | undefined) => boolean {
  const unrouted = new Set<number>();
  client.on('packetreceive', (packet) => {
    if (packet.cmd !== 'puback' || packet.messageId === undefined) return;
    if (packet.reasonCode === NO_MATCHING_SUBSCRIBERS) unrouted.add(packet.messageId);
    else unrouted.delete(packet.messageId);
  });
  return (id) => id !== undefined && unrouted.delete(id);
}

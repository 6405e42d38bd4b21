import type { Client, PublishPacket, Subscription } from 'aedes';
import { DEVICE_PUBLISHES, DEVICE_RETAINS, DEVICE_SUBSCRIBES, TOPIC_ROOT, parseTopic } from '@smartstock/protocol';
import type { Logger } from '@smartstock/runtime';

export type Identity = { kind: 'cloud' } | { kind: 'device'; deviceId: string; orgId?: string | undefined };

/** A topic is the client's to choose (up to 64 KB): a log line carries its start. */
const LOGGED_TOPIC_CHARS = 200;

/**
 * Why this identity may not publish on (or subscribe to) this topic, or undefined when it may.
 * The cloud: the whole protocol tree. A device: its own contract topics only, by name (no wildcard),
 * retaining only its status. Its own subtree was once enough, but aedes keeps every retained message
 * in the cloud's memory: a device retaining 200 KB on thousands of topics of its own filled it.
 */
export function topicRefusal(
  id: Identity | undefined,
  topic: string,
  use: { action: 'publish' | 'subscribe'; retain?: boolean },
): string | undefined {
  if (!id) return 'not signed in';
  if (id.kind === 'cloud') return topic.startsWith(`${TOPIC_ROOT}/`) ? undefined : `not a ${TOPIC_ROOT} topic`;
  const t = parseTopic(topic);
  if (!t) return `not a ${TOPIC_ROOT} topic of the contract (device topics: ${TOPIC_ROOT}/<its thing name>/<kind>, no wildcards)`;
  if (t.deviceId !== id.deviceId) return `another device's topic (this one is ${id.deviceId})`;
  const allowed = use.action === 'publish' ? DEVICE_PUBLISHES : DEVICE_SUBSCRIBES;
  if (!allowed.includes(t.kind)) return `a device does not ${use.action} on "${t.kind}" (it may: ${allowed.join(', ')})`;
  if (use.retain && !DEVICE_RETAINS.includes(t.kind)) return `a device retains only its status, not "${t.kind}"`;
  return undefined;
}

/** aedes hooks for the per-device topic rule; each refusal is logged with its reason. */
export function brokerRules(identityOf: (c: Client) => Identity | undefined, log?: Logger) {
  const who = (client: Client) => {
    const id = identityOf(client);
    return id?.kind === 'device' ? { deviceId: id.deviceId } : { clientId: client.id.slice(0, LOGGED_TOPIC_CHARS) };
  };
  return {
    authorizePublish(client: Client | null, packet: PublishPacket, cb: (err?: Error | null) => void) {
      // client null: the broker itself (e.g. a will it already authorised)
      if (!client) return cb(null);
      const why = topicRefusal(identityOf(client), packet.topic, { action: 'publish', retain: packet.retain });
      if (!why) return cb(null);
      // MQTT 3.1.1 has no negative PUBACK: aedes closes the connection, so this line is the sender's answer
      log?.warn({ ...who(client), topic: packet.topic.slice(0, LOGGED_TOPIC_CHARS), retain: packet.retain, why }, 'publish refused');
      cb(new Error(`not allowed to publish on ${packet.topic}: ${why}`));
    },
    authorizeSubscribe(client: Client, sub: Subscription, cb: (err: Error | null, sub?: Subscription | null) => void) {
      const why = topicRefusal(identityOf(client), sub.topic, { action: 'subscribe' });
      if (!why) return cb(null, sub);
      log?.warn({ ...who(client), topic: sub.topic.slice(0, LOGGED_TOPIC_CHARS), why }, 'subscription refused');
      // a refused subscription gets a failure code in SUBACK, the connection stays
      cb(null, null);
    },
  };
}

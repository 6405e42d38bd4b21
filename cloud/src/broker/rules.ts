import type { Client, PublishPacket, Subscription } from 'aedes';
import { TOPIC_ROOT, TOPICS } from '@smartstock/protocol';

export type Identity = { kind: 'cloud' } | { kind: 'device'; deviceId: string; orgId?: string | undefined };

/** May this identity use this topic (or filter)? A device: only its own subtree. The cloud: the whole protocol tree. */
export function allowedTopic(id: Identity | undefined, topic: string): boolean {
  if (!id) return false;
  if (id.kind === 'cloud') return topic.startsWith(`${TOPIC_ROOT}/`);
  // the device id matches [a-zA-Z0-9:_-], so the prefix is literal: wildcards after it stay inside the subtree
  return topic.startsWith(TOPICS.deviceRoot(id.deviceId));
}

/** aedes hooks for the per-device topic rule. */
export function brokerRules(identityOf: (c: Client) => Identity | undefined) {
  return {
    authorizePublish(client: Client | null, packet: PublishPacket, cb: (err?: Error | null) => void) {
      // client null: the broker itself (e.g. a will it already authorised)
      if (!client) return cb(null);
      if (allowedTopic(identityOf(client), packet.topic)) return cb(null);
      cb(new Error(`not allowed to publish on ${packet.topic}`));
    },
    authorizeSubscribe(client: Client, sub: Subscription, cb: (err: Error | null, sub?: Subscription | null) => void) {
      if (allowedTopic(identityOf(client), sub.topic)) return cb(null, sub);
      // a refused subscription gets a failure code in SUBACK, the connection stays
      cb(null, null);
    },
  };
}

import type { Agent } from 'node:https';
import webpush from 'web-push';
import { PermanentDeliveryError, type Channel, type OutgoingMessage } from './channel.js';
import type { PushSubscription } from '../settings.repository.js';

export interface PushOptions {
  vapid: { subject: string; publicKey: string; privateKey: string };
  /** The subscription (keys) for an outbox row's endpoint. */
  subscription(orgId: string, userId: string, endpoint: string): Promise<PushSubscription | undefined>;
  /** Called when the push service says the subscription is gone. */
  forget(orgId: string, userId: string, endpoint: string): Promise<void>;
  ttlSeconds?: number;
  /** An https.Agent for a proxy or a private CA; absent: Node's default. */
  agent?: Agent | undefined;
}

/** Web push to the installed dashboard, signed with the installation's VAPID keys. */
export function pushChannel(o: PushOptions): Channel {
  return {
    name: 'push',
    provider: 'web-push',
    async send(m: OutgoingMessage) {
      const sub = m.userId ? await o.subscription(m.orgId, m.userId, m.recipient) : undefined;
      if (!sub) throw new PermanentDeliveryError('push subscription no longer exists');
      try {
        const res = await webpush.sendNotification(
          { endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } },
          JSON.stringify({ title: 'SmartStock', body: m.body, tag: m.id, kind: m.kind }),
          { vapidDetails: o.vapid, TTL: o.ttlSeconds ?? 3600, ...(o.agent ? { agent: o.agent } : {}) },
        );
        return { provider: 'web-push', providerMessageId: res.headers.location ?? undefined };
      } catch (e) {
        const status = (e as { statusCode?: number }).statusCode;
        if (status === 404 || status === 410) {
          await o.forget(m.orgId, m.userId!, m.recipient);
          throw new PermanentDeliveryError(`push subscription gone (${status})`, { cause: e });
        }
        if (status === 400 || status === 413) throw new PermanentDeliveryError(`push refused (${status})`, { cause: e });
        throw new Error(`push failed: ${status ?? (e as Error).message}`, { cause: e });
      }
    },
  };
}

import { BrokenCircuitError, IsolatedCircuitError } from 'cockatiel';
import type { Logger } from '@smartstock/runtime';
import type { Db } from '../../db/types.js';
import type { NotifyConfig } from './config.js';
import { PermanentDeliveryError, type Channel, type ChannelName } from './channels/channel.js';
import { OutboxRepository, type Notification } from './outbox.repository.js';
import { maskRecipient } from './phone.js';
import { retryDelayMs, type Breakers } from './resilience.js';

export interface DeliveryDeps {
  db: Db;
  channels: Record<ChannelName, Channel>;
  breakers: Breakers;
  config: NotifyConfig;
  logger: Logger;
  now: () => Date;
  /** told of each delivery's outcome (metrics/) */
  onOutcome?: ((channel: ChannelName, outcome: keyof DeliveryStats) => void) | undefined;
}

export interface DeliveryStats {
  sent: number;
  retried: number;
  deferred: number;
  dead: number;
}

/** How long a claimed row is ours; a sender that dies lets it fall due again after this. */
const LEASE_MS = 5 * 60_000;
const HOUR = 3_600_000;

/**
 * One pass of the outbox worker: claim what is due, send each through its
 * channel's breaker, and write down what happened. A row is marked sent only
 * after the gateway took it, and a row the breaker refused spends no attempt.
 */
export async function deliverDue(d: DeliveryDeps): Promise<DeliveryStats> {
  const stats: DeliveryStats = { sent: 0, retried: 0, deferred: 0, dead: 0 };
  const outbox = new OutboxRepository(d.db);
  const batch = await outbox.claim(d.now(), LEASE_MS, d.config.batchSize);
  for (const m of batch) await deliverOne(d, outbox, m, stats);
  return stats;
}

function count(d: DeliveryDeps, stats: DeliveryStats, channel: ChannelName, outcome: keyof DeliveryStats): void {
  stats[outcome]++;
  d.onOutcome?.(channel, outcome);
}

async function deliverOne(d: DeliveryDeps, outbox: OutboxRepository, m: Notification, stats: DeliveryStats): Promise<void> {
  const log = d.logger.child({ module: 'notify:worker', notificationId: m.id, channel: m.channel, to: maskRecipient(m.recipient) });
  if (m.channel === 'sms') {
    const limit = d.config.sms.perNumberPerHour;
    const recent = await outbox.sentTo('sms', m.recipient, new Date(d.now().getTime() - HOUR));
    if (recent.count >= limit) {
      const until = new Date((recent.oldest ?? d.now()).getTime() + HOUR);
      await outbox.defer(m.id, until, `rate limit: ${limit} SMS an hour to this number`);
      count(d, stats, m.channel, 'deferred');
      log.warn({ until }, 'sms rate limit reached; message waits');
      return;
    }
  }
  try {
    const delivery = await d.breakers[m.channel].execute(() => d.channels[m.channel].send(m));
    await outbox.markSent(m.id, d.now(), delivery.provider, delivery.providerMessageId);
    count(d, stats, m.channel, 'sent');
    // every message sent is a row marked sent; a line each at info was noise beside the alert's own line
    log.debug({ provider: delivery.provider, kind: m.kind }, 'notification sent');
  } catch (e) {
    // Gateways quote the number they refused; it is personal data, so it is masked in the row and the log.
    const reason = (e as Error).message.replace(/\+\d{7,15}/g, maskRecipient).slice(0, 500);
    if (e instanceof BrokenCircuitError || e instanceof IsolatedCircuitError) {
      await outbox.defer(m.id, new Date(d.now().getTime() + d.config.breaker.halfOpenAfterSeconds * 1000), `${m.channel} circuit open`);
      count(d, stats, m.channel, 'deferred');
      log.debug('channel circuit open; message waits');
    } else if (e instanceof PermanentDeliveryError || m.attempts + 1 >= d.config.retry.maxAttempts) {
      await outbox.markDead(m.id, reason, true);
      count(d, stats, m.channel, 'dead');
      log.error({ attempts: m.attempts + 1, reason }, 'notification dead-lettered');
    } else {
      const retryAt = new Date(d.now().getTime() + retryDelayMs(m.attempts + 1, d.config.retry));
      await outbox.markFailed(m.id, reason, retryAt);
      count(d, stats, m.channel, 'retried');
      log.warn({ attempts: m.attempts + 1, retryAt, reason }, 'notification failed; will retry');
    }
  }
}

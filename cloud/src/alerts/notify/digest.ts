import type { Db } from '../../db/types.js';
import { OutboxRepository, type Notification } from './outbox.repository.js';

const MAX_LINES = 5;

/** The morning message that replaces everything quiet hours held back. */
export function digestText(bodies: string[]): string {
  const shown = bodies.slice(0, MAX_LINES).join(' ');
  const more = bodies.length > MAX_LINES ? ` …and ${bodies.length - MAX_LINES} more in the dashboard.` : '';
  return `While you were off (${bodies.length}): ${shown}${more}`;
}

/**
 * Releases held messages whose quiet hours are over. A lone message goes out
 * as it was; several to the same address become one digest, so nobody wakes
 * to twelve texts. Runs in one transaction: the digest and the "digested"
 * marks commit together.
 */
export async function releaseHeld(db: Db, now: Date): Promise<number> {
  return db.transaction(async (tx) => {
    const outbox = new OutboxRepository(tx);
    const held = await outbox.lockReleasable(now);
    const groups = new Map<string, Notification[]>();
    for (const n of held) {
      const key = `${n.orgId}|${n.userId}|${n.channel}|${n.recipient}`;
      groups.set(key, [...(groups.get(key) ?? []), n]);
    }
    for (const group of groups.values()) {
      const first = group[0]!;
      if (group.length === 1) {
        await outbox.setStatus([first.id], 'pending', now);
        continue;
      }
      await outbox.enqueue({
        orgId: first.orgId,
        venueId: first.venueId,
        userId: first.userId,
        alertId: null,
        kind: 'digest',
        channel: first.channel,
        recipient: first.recipient,
        subject: 'SmartStock: overnight alerts',
        body: digestText(group.map((n) => n.body)),
        status: 'pending',
        releaseAt: null,
        dedupeKey: `digest:${first.userId}:${first.channel}:${first.recipient}:${group.map((n) => n.id).sort()[0]}`,
        at: now,
      });
      await outbox.setStatus(
        group.map((n) => n.id),
        'digested',
        now,
      );
    }
    return held.length;
  });
}

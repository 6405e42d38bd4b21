import type { Queryable } from '../db/types.js';
import type { Alert } from './alert.repository.js';
import { AlertSetRepository } from './alert-set.repository.js';
import { AlertContextRepository } from './context.repository.js';
import type { Judge } from './judge.js';
import { alertText, type AlertFacts, type OrderSuggestion } from './messages.js';
import { RULES, type Subject } from './rules.js';

/** What a chunk's readings came to for one (stock rule, item-location), decided in memory. */
export interface StockChange {
  rule: 'low_stock' | 'out_of_stock';
  venueId: string;
  subject: Subject & { itemId: string; locationId: string };
  /** the open alert closes: the condition cleared */
  resolve: boolean;
  /** an alert is raised (after the resolve, when both), with the facts of the reading that raised it */
  raise: AlertFacts | undefined;
}

const SEVERITY_RANK = { critical: 0, warning: 1, info: 2 } as const;

/**
 * Writes a chunk's decided stock alerts in its transaction with a statement per kind of write, not a
 * few per alert: resolves, then the names the texts need, raises (each with its history), their live
 * events, and their outbox rows. An item-location raised under both stock rules in one chunk is texted
 * once, for the more severe; both alerts show on the dashboard. `orders` holds ordering's answers,
 * asked before the transaction, by `itemId locationId`.
 */
export async function writeStockChanges(
  judge: Judge,
  tx: Queryable,
  orgId: string,
  changes: readonly StockChange[],
  orders: ReadonlyMap<string, OrderSuggestion | undefined>,
): Promise<Alert[]> {
  const { deps, log, now } = judge;
  const at = now();
  const repo = new AlertSetRepository(tx);
  const resolved = await repo.resolveMany(
    orgId,
    changes.filter((c) => c.resolve).map((c) => ({ rule: c.rule, subjectKey: c.subject.key })),
    at,
    'condition cleared',
  );
  for (const alert of resolved)
    log.info({ alertId: alert.id, rule: alert.rule, subject: alert.subjectKey }, 'alert resolved: condition cleared');
  const raising = changes.filter((c): c is StockChange & { raise: AlertFacts } => c.raise !== undefined);
  const contexts = await new AlertContextRepository(tx).describeStock(
    orgId,
    raising.map((c) => ({ venueId: c.venueId, itemId: c.subject.itemId, locationId: c.subject.locationId })),
  );
  const drafts = raising.map((c) => {
    const order = deps.orderSuggestion ? orders.get(`${c.subject.itemId} ${c.subject.locationId}`) : undefined;
    const facts: AlertFacts = order ? { ...c.raise, order } : { ...c.raise };
    const context = contexts.get(`${c.venueId} ${c.subject.itemId} ${c.subject.locationId}`) ?? {
      venueName: 'Unknown venue',
      timezone: 'UTC',
    };
    return { change: c, facts, context, text: alertText(c.rule, facts, context) };
  });
  const raised = await repo.raiseMany(
    orgId,
    drafts.map((d) => ({
      venueId: d.change.venueId,
      rule: d.change.rule,
      subject: d.change.subject,
      severity: RULES[d.change.rule].severity,
      message: d.text,
      details: { ...d.facts },
    })),
    at,
  );
  await judge.announceMany(tx, [...resolved, ...raised]);
  // one text an item-location: the most severe of what it raised
  const texted = new Map<string, Alert>();
  for (const alert of raised) {
    const held = texted.get(alert.subjectKey);
    if (!held || SEVERITY_RANK[alert.severity] < SEVERITY_RANK[held.severity]) texted.set(alert.subjectKey, alert);
  }
  const draftOf = new Map(drafts.map((d) => [`${d.change.rule} ${d.change.subject.key}`, d]));
  const notices = [...texted.values()].map((alert) => ({
    kind: 'alert' as const,
    alert,
    text: draftOf.get(`${alert.rule} ${alert.subjectKey}`)!.text,
  }));
  const counts = await judge.notifyAll(tx, notices);
  const queued = new Map(notices.map((n, i) => [n.alert.id, counts[i]]));
  for (const alert of raised) {
    const { change, facts, context, text } = draftOf.get(`${alert.rule} ${alert.subjectKey}`)!;
    // the one line of a raised alert: what a reader checks it against, by name and id (never a recipient)
    log.info(
      {
        alertId: alert.id,
        rule: alert.rule,
        severity: alert.severity,
        item: context.itemName,
        itemId: change.subject.itemId,
        location: context.locationName,
        locationId: change.subject.locationId,
        // not `level`: pino's own key for the line's level
        stockLevel: facts.level,
        reorderPoint: facts.reorderPoint,
        parLevel: context.parLevel,
        notifications: texted.get(alert.subjectKey) === alert ? (queued.get(alert.id) ?? undefined) : 0,
        text,
      },
      'alert raised',
    );
  }
  return [...resolved, ...raised];
}

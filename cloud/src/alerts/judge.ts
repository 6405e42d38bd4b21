import type { Logger } from '@smartstock/runtime';
import type { Db, Queryable } from '../db/types.js';
import { AlertRepository, type Alert } from './alert.repository.js';
import type { AlertsConfig } from './config.js';
import { AlertContextRepository } from './context.repository.js';
import { liveEvents } from '../live/index.js';
import type { AlertNotice } from './notify/index.js';
import { IDLE, step, type ConditionState, type Step, type Verdict } from './hysteresis.js';
import { alertText, type AlertFacts, type OrderSuggestion } from './messages.js';
import { RULES, type ReadingOf, type RuleName, type Subject } from './rules.js';

export interface AlertEngineDeps {
  db: Db;
  config: AlertsConfig;
  logger: Logger;
  now?: () => Date;
  /** Writes the outbox rows for a raised or escalated alert, in the same transaction: notifier.enqueueAlert. Returns how many it queued. */
  notify?: (tx: Queryable, notice: AlertNotice) => Promise<number | void>;
  /** notify for a chunk's alerts with a few statements in all, not a few an alert: notifier.enqueueAlerts. How many each queued. */
  notifyMany?: (tx: Queryable, notices: readonly AlertNotice[]) => Promise<number[]>;
  /** After commit, for every alert that changed: the live WebSocket push. */
  onChange?: (alert: Alert) => void;
  /**
   * From ordering: what to order of an item running low, and the draft it went on. Asked outside the
   * alert's transaction (it reads the whole venue and writes the draft), only when an alert is about to
   * be raised; the text mentions an order only when this returns one, and a failure only leaves it out.
   */
  orderSuggestion?: (orgId: string, itemId: string, locationId: string) => Promise<OrderSuggestion | undefined>;
}

/** An alert about to be raised for an item, waiting for ordering's answer before its transaction runs again. */
interface NeedsOrder {
  needsOrder: { orgId: string; itemId: string; locationId: string };
}
/** undefined: not asked yet; { value }: asked (value may be undefined: nothing to order). */
export type Asked = { value: OrderSuggestion | undefined } | undefined;

/** Hysteresis state plus what is needed to raise later from the tick alone. */
export type Stored = ConditionState & { subject?: Subject; facts?: AlertFacts };

/** What the engine's parts share: its clock, its log, the rules' settings and the one-by-one judgement. */
export type Judge = ReturnType<typeof createJudge>;

/**
 * Judging one (rule, subject) under its condition's lock: the hysteresis step saved, and a raise or
 * resolve written with its live event and outbox rows in the same transaction, then told to onChange
 * after commit. The batched paths (stock levels, device health, the tick) all end here.
 */
export function createJudge(deps: AlertEngineDeps) {
  const now = deps.now ?? (() => new Date());
  const log = deps.logger.child({ module: 'alerts:engine' });
  const rules = deps.config.rules;

  async function evaluate<N extends RuleName>(name: N, reading: ReadingOf[N], facts: AlertFacts): Promise<Alert[]> {
    const rule = RULES[name];
    const verdict: Verdict = rule.classify(reading, rules);
    const subject = rule.subject(reading);
    const changed = await withOrder((asked) =>
      deps.db.transaction(async (tx) => {
        const repo = new AlertRepository(tx);
        const prev: Stored = ((await repo.lockCondition(reading.orgId, name, subject.key)) as Stored | undefined) ?? IDLE;
        if (prev === IDLE && verdict === 'clear') return [];
        const stepped = step(prev, verdict, reading.at, rule.hysteresis(rules));
        return apply(
          tx,
          repo,
          { orgId: reading.orgId, venueId: reading.venueId, rule: name, subject, facts: { ...prev.facts, ...facts } },
          stepped,
          asked,
        );
      }),
    );
    publish(changed);
    return changed;
  }

  /**
   * Runs an alert's transaction; when it stops to ask ordering (before writing anything), asks outside
   * it and runs it again with the answer. The second run re-reads the condition under its lock, so a
   * reading that came between is still judged once.
   */
  async function withOrder(run: (asked: Asked) => Promise<Alert[] | NeedsOrder>): Promise<Alert[]> {
    const first = await run(undefined);
    if (Array.isArray(first)) return first;
    const { orgId, itemId, locationId } = first.needsOrder;
    const value = await deps.orderSuggestion!(orgId, itemId, locationId).catch((e: unknown) => {
      log.warn({ err: e, itemId, locationId }, 'no order suggestion for the alert; it goes out without one');
      return undefined;
    });
    const second = await run({ value });
    return Array.isArray(second) ? second : [];
  }

  async function apply(
    tx: Queryable,
    repo: AlertRepository,
    c: { orgId: string; venueId: string; rule: RuleName; subject: Subject; facts: AlertFacts },
    s: Step,
    asked: Asked,
  ): Promise<Alert[] | NeedsOrder> {
    const wantsOrder = !!(c.subject.itemId && c.subject.locationId && deps.orderSuggestion && c.rule !== 'unexplained_loss');
    if (s.action === 'raise' && wantsOrder && !asked)
      return { needsOrder: { orgId: c.orgId, itemId: c.subject.itemId!, locationId: c.subject.locationId! } };
    const at = now();
    const state: Stored = s.state === IDLE ? IDLE : { ...s.state, subject: c.subject, facts: c.facts };
    await repo.saveCondition({
      orgId: c.orgId,
      venueId: c.venueId,
      rule: c.rule,
      subjectKey: c.subject.key,
      state,
      raiseAt: s.raiseAt,
      at,
    });
    if (s.action === 'raise') {
      const facts = { ...c.facts };
      if (wantsOrder && asked?.value) facts.order = asked.value;
      const ctx = await new AlertContextRepository(tx).describe(c.orgId, { venueId: c.venueId, ...c.subject });
      const text = alertText(c.rule, facts, ctx);
      const alert = await repo.raise({
        orgId: c.orgId,
        venueId: c.venueId,
        rule: c.rule,
        subject: c.subject,
        severity: RULES[c.rule].severity,
        message: text,
        details: { ...facts },
        at,
      });
      if (!alert) return [];
      await announce(tx, alert);
      const queued = await deps.notify?.(tx, { kind: 'alert', alert, text });
      // the one line of a raised alert: what a reader checks it against, by name and id (never a recipient)
      log.info(
        {
          alertId: alert.id,
          rule: c.rule,
          severity: alert.severity,
          item: ctx.itemName,
          itemId: c.subject.itemId ?? undefined,
          location: ctx.locationName,
          locationId: c.subject.locationId ?? undefined,
          deviceId: c.subject.deviceId ?? undefined,
          // not `level`: pino's own key for the line's level
          stockLevel: facts.level,
          reorderPoint: facts.reorderPoint,
          parLevel: c.subject.itemId ? ctx.parLevel : undefined,
          notifications: typeof queued === 'number' ? queued : undefined,
          text,
        },
        'alert raised',
      );
      return [alert];
    }
    if (s.action === 'resolve') {
      const open = await repo.findOpen(c.orgId, c.rule, c.subject.key);
      const alert = open && (await repo.transition(c.orgId, open.id, 'resolved', at, null, 'condition cleared'));
      if (!alert) return [];
      log.info({ alertId: alert.id, rule: c.rule, subject: c.subject.key }, 'alert resolved: condition cleared');
      await announce(tx, alert);
      return [alert];
    }
    return [];
  }

  /** The dashboard's live view of a change, committed with it (the core's live_events). */
  async function announce(tx: Queryable, a: Alert): Promise<void> {
    const { details: _details, ...view } = a;
    await liveEvents(tx).append(a.orgId, a.venueId, 'alert', view);
  }

  /** announce for a chunk's changes: one statement. */
  async function announceMany(tx: Queryable, alerts: readonly Alert[]): Promise<void> {
    await liveEvents(tx).appendMany(
      alerts.map((a) => {
        const { details: _details, ...view } = a;
        return { orgId: a.orgId, venueId: a.venueId, type: 'alert' as const, data: view };
      }),
    );
  }

  /** The outbox rows of several notices, in one go when the notifier can (notifyMany); how many each queued. */
  async function notifyAll(tx: Queryable, notices: readonly AlertNotice[]): Promise<(number | undefined)[]> {
    if (!notices.length) return [];
    if (deps.notifyMany) return deps.notifyMany(tx, notices);
    const counts: (number | undefined)[] = [];
    for (const notice of notices) counts.push((await deps.notify?.(tx, notice)) ?? undefined);
    return counts;
  }

  function publish(alerts: Alert[]): void {
    for (const a of alerts) {
      try {
        deps.onChange?.(a);
      } catch (e) {
        log.warn({ err: e, alertId: a.id }, 'onChange listener failed');
      }
    }
  }

  return { deps, now, log, rules, evaluate, withOrder, apply, announce, announceMany, notifyAll, publish };
}

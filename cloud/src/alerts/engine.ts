import type { Logger } from '@smartstock/runtime';
import type { Db, Queryable } from '../db/types.js';
import { AlertRepository, type Alert, type AlertFilter } from './alert.repository.js';
import type { AlertsConfig } from './config.js';
import { AlertContextRepository } from './context.repository.js';
import { liveEvents } from '../live/index.js';
import type { AlertNotice } from './notify/index.js';
import { due, IDLE, step, type ConditionState, type Step, type Verdict } from './hysteresis.js';
import { alertText, escalationText, type AlertFacts, type OrderSuggestion } from './messages.js';
import {
  RULES,
  STOCK_RULES,
  type CameraReading,
  type DeviceReading,
  type ForecastReading,
  type DriftReading,
  type LossReading,
  type OutboxReading,
  type ReadingOf,
  type RuleName,
  type StockReading,
  type Subject,
} from './rules.js';

export interface AlertEngineDeps {
  db: Db;
  config: AlertsConfig;
  logger: Logger;
  now?: () => Date;
  /** Writes the outbox rows for a raised or escalated alert, in the same transaction: notifier.enqueueAlert. */
  notify?: (tx: Queryable, notice: AlertNotice) => Promise<void>;
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
type Asked = { value: OrderSuggestion | undefined } | undefined;

/** Hysteresis state plus what is needed to raise later from the tick alone. */
type Stored = ConditionState & { subject?: Subject; facts?: AlertFacts };

/** One reading and the rule judging it. */
type Judged = { [N in RuleName]: { name: N; r: ReadingOf[N]; facts: AlertFacts } }[RuleName];

export type AlertEngine = ReturnType<typeof createAlertEngine>;

/**
 * Turns readings into alerts: one open alert per (rule, subject), raised and
 * cleared through hysteresis, stock judged only on trusted readings. Every
 * change and its outbox rows commit together, so a crash neither loses an
 * alert's message nor sends it for an alert that was rolled back.
 */
export function createAlertEngine(deps: AlertEngineDeps) {
  const now = deps.now ?? (() => new Date());
  const log = deps.logger.child({ module: 'alerts:engine' });
  const rules = deps.config.rules;
  const verdictOf = (j: Judged): Verdict => (RULES[j.name].classify as (r: unknown, c: typeof rules) => Verdict)(j.r, rules);
  const keyOf = (j: Judged): string => (RULES[j.name].subject as (r: unknown) => Subject)(j.r).key;

  async function evaluate<N extends RuleName>(name: N, r: ReadingOf[N], facts: AlertFacts): Promise<Alert[]> {
    const rule = RULES[name];
    const verdict: Verdict = rule.classify(r, rules);
    const subject = rule.subject(r);
    const changed = await withOrder((asked) =>
      deps.db.transaction(async (tx) => {
        const repo = new AlertRepository(tx);
        const prev: Stored = ((await repo.lockCondition(r.orgId, name, subject.key)) as Stored | undefined) ?? IDLE;
        if (prev === IDLE && verdict === 'clear') return [];
        const s = step(prev, verdict, r.at, rule.hysteresis(rules));
        return apply(tx, repo, { orgId: r.orgId, venueId: r.venueId, rule: name, subject, facts: { ...prev.facts, ...facts } }, s, asked);
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
      log.info({ alertId: alert.id, rule: c.rule, subject: c.subject.key }, 'alert raised');
      await announce(tx, alert);
      await deps.notify?.(tx, { kind: 'alert', alert, text });
      return [alert];
    }
    if (s.action === 'resolve') {
      const open = await repo.findOpen(c.orgId, c.rule, c.subject.key);
      const alert = open && (await repo.transition(c.orgId, open.id, 'resolved', at, null, 'condition cleared'));
      if (!alert) return [];
      log.info({ alertId: alert.id, rule: c.rule }, 'alert resolved: condition cleared');
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

  function publish(alerts: Alert[]): void {
    for (const a of alerts) {
      try {
        deps.onChange?.(a);
      } catch (e) {
        log.warn({ err: e, alertId: a.id }, 'onChange listener failed');
      }
    }
  }

  async function byPerson(
    orgId: string,
    alertId: string,
    to: 'acknowledged' | 'resolved',
    userId: string | null,
    note?: string,
  ): Promise<Alert | undefined> {
    const a = await deps.db.transaction(async (tx) => {
      const changed = await new AlertRepository(tx).transition(orgId, alertId, to, now(), userId, note ?? null);
      if (changed) await announce(tx, changed);
      return changed;
    });
    if (a) publish([a]);
    return a;
  }

  /**
   * Judges levels against the stock rules. Most levels of a busy fleet are fine and have no condition:
   * judging one took a transaction per rule (BEGIN, SELECT … FOR UPDATE, COMMIT) and a stale-camera
   * query, ~9 statements a level, which held ingest back (its backlog of judgements is bounded). So
   * the stale cameras and the conditions held are read once for all the levels, and a 'clear' verdict
   * on a subject with no condition is skipped: the transaction would find none and change nothing (a
   * condition another writer creates meanwhile ends as if this clear had been judged before it).
   */
  async function stockLevels(orgId: string, readings: readonly StockReading[]): Promise<Alert[]> {
    const trusted = readings.filter((r) => r.trusted);
    if (trusted.length < readings.length) log.debug({ untrusted: readings.length - trusted.length }, 'untrusted stock readings not judged');
    if (!trusted.length) return [];
    const repo = new AlertRepository(deps.db);
    const stale = await repo.staleCameraLocations(orgId, [...new Set(trusted.map((r) => r.locationId))]);
    const held = await repo.heldConditions(orgId, STOCK_RULES, [...new Set(trusted.map((r) => RULES.low_stock.subject(r).key))]);
    const todo: { name: 'out_of_stock' | 'low_stock'; r: StockReading; facts: AlertFacts; key: string; verdict: Verdict }[] = [];
    for (const r of trusted) {
      if (r.orgId !== orgId) throw new Error(`stockLevels: a reading of organisation ${r.orgId} among ${orgId}'s`);
      if (stale.has(r.locationId)) {
        log.debug({ itemId: r.itemId, locationId: r.locationId }, 'stock reading at a stale camera not judged');
        continue;
      }
      const facts = { level: r.level, reorderPoint: r.reorderPoint };
      for (const name of ['out_of_stock', 'low_stock'] as const) {
        const key = RULES[name].subject(r).key;
        const verdict = RULES[name].classify(r, rules);
        if (verdict === 'clear' && !held.has(`${name} ${key}`)) continue;
        todo.push({ name, r, facts, key, verdict });
      }
    }
    if (!todo.length) return [];
    // A busy fleet's breaching levels were a locked transaction each (BEGIN, SELECT … FOR UPDATE, upsert,
    // COMMIT). Those whose step only moves the hysteresis state are judged together: their conditions
    // locked with one statement, saved with one or two. A step that raises or resolves takes the one-by-one
    // path (evaluate) after this commits: it may ask ordering outside its transaction, and it re-reads
    // the condition under its lock, which this left as it was.
    const later: typeof todo = [];
    await deps.db.transaction(async (tx) => {
      const repo = new AlertRepository(tx);
      const prevs = await repo.lockConditions(
        orgId,
        todo.map((t) => ({ rule: t.name, subjectKey: t.key })),
      );
      const saves = new Map<string, Parameters<AlertRepository['saveConditions']>[1][number]>();
      const at = now();
      for (const t of todo) {
        const id = `${t.name} ${t.key}`;
        // a second reading of a subject left for later goes after the first
        if (later.some((l) => l.name === t.name && l.key === t.key)) {
          later.push(t);
          continue;
        }
        const prev: Stored = (prevs.get(id) as Stored | undefined) ?? IDLE;
        if (prev === IDLE && t.verdict === 'clear') continue;
        const s = step(prev, t.verdict, t.r.at, RULES[t.name].hysteresis(rules));
        if (s.action) {
          later.push(t);
          continue;
        }
        const subject = RULES[t.name].subject(t.r);
        const state: Stored = s.state === IDLE ? IDLE : { ...s.state, subject, facts: { ...prev.facts, ...t.facts } };
        saves.set(id, { venueId: t.r.venueId, rule: t.name, subjectKey: t.key, state, raiseAt: s.raiseAt, at });
        prevs.set(id, state);
      }
      await repo.saveConditions(orgId, [...saves.values()]);
    });
    const out: Alert[] = [];
    for (const t of later) out.push(...(await evaluate(t.name, t.r, t.facts)));
    return out;
  }

  /**
   * A device's status: the device, then each camera, then its outbox, as deviceStatus, cameraStatus and
   * outboxDepth judge them. A healthy device's subjects are clear and hold no condition: judging each took
   * a locked transaction (BEGIN, SELECT … FOR UPDATE, COMMIT), ~15 round trips a status on the ingest
   * path, so those are skipped after one read for all of them, as stockLevels skips a fine level.
   */
  async function deviceHealth(r: DeviceReading, cameras: readonly CameraReading[], outbox: OutboxReading | undefined): Promise<Alert[]> {
    const judged: Judged[] = [
      { name: 'device_offline', r, facts: { deviceId: r.deviceId, since: r.at.toISOString() } },
      ...cameras.map((c): Judged => ({
        name: 'camera_stale',
        r: c,
        facts: { deviceId: c.deviceId, cameraId: c.cameraId, lastFrameAt: c.lastFrameAt?.toISOString() ?? null },
      })),
      ...(outbox ? [{ name: 'outbox_backlog', r: outbox, facts: { deviceId: outbox.deviceId, depth: outbox.depth } } as Judged] : []),
    ];
    const clear = judged.filter((j) => verdictOf(j) === 'clear');
    const held = clear.length
      ? await new AlertRepository(deps.db).heldConditions(
          r.orgId,
          [...new Set(clear.map((j) => j.name))],
          clear.map((j) => keyOf(j)),
        )
      : new Set<string>();
    const out: Alert[] = [];
    for (const j of judged) {
      if (verdictOf(j) === 'clear' && !held.has(`${j.name} ${keyOf(j)}`)) continue;
      out.push(...(await evaluate(j.name, j.r as never, j.facts)));
    }
    return out;
  }

  return {
    /** A stock level changed (ingest or a manual transaction). Untrusted readings are ignored entirely. */
    stockLevel: (r: StockReading): Promise<Alert[]> => stockLevels(r.orgId, [r]),
    /** Several of one organisation's levels (an ingest batch), judged in order as stockLevel judges each. */
    stockLevels,
    /** A device's status message or last will, its cameras and its outbox, skipping what is clear and holds no condition. */
    deviceHealth,
    /** A device's status message or last will. */
    deviceStatus: (r: DeviceReading) => evaluate('device_offline', r, { deviceId: r.deviceId, since: r.at.toISOString() }),
    /** One camera's health, from the device's status message. */
    cameraStatus: (r: CameraReading) =>
      evaluate('camera_stale', r, { deviceId: r.deviceId, cameraId: r.cameraId, lastFrameAt: r.lastFrameAt?.toISOString() ?? null }),
    /** The device's reported outbox depth, from its status message. */
    outboxDepth: (r: OutboxReading) => evaluate('outbox_backlog', r, { deviceId: r.deviceId, depth: r.depth }),
    forecast: (r: ForecastReading) => evaluate('forecast_stockout', r, r.daysUntilStockout === null ? {} : { days: r.daysUntilStockout }),
    loss: (r: LossReading) => evaluate('unexplained_loss', r, { units: r.unexplainedUnits }),
    drift: (r: DriftReading) =>
      evaluate('model_drift', r, {
        countError: r.countError,
        corrections: r.corrections,
        windowDays: r.windowDays,
        since: new Date(r.at.getTime() - r.windowDays * 86_400_000).toISOString(),
      }),

    /** Periodic: raises breaches that lasted long enough with no new reading, and escalates unacknowledged alerts. */
    async tick(): Promise<Alert[]> {
      const at = now();
      const changed: Alert[] = [];
      for (const c of await new AlertRepository(deps.db).dueConditions(at)) {
        const hysteresis = RULES[c.rule].hysteresis(rules);
        const out = await withOrder((asked) =>
          deps.db.transaction(async (tx) => {
            const repo = new AlertRepository(tx);
            const prev = (await repo.lockCondition(c.orgId, c.rule, c.subjectKey)) as Stored | undefined;
            if (!prev?.subject) return [];
            return apply(
              tx,
              repo,
              { orgId: c.orgId, venueId: c.venueId, rule: c.rule, subject: prev.subject, facts: prev.facts ?? {} },
              due(prev, at, hysteresis),
              asked,
            );
          }),
        );
        changed.push(...out);
      }
      const after = deps.config.escalateAfterSeconds;
      for (const a of await new AlertRepository(deps.db).unacknowledgedSince(new Date(at.getTime() - after * 1000))) {
        const esc = await deps.db.transaction(async (tx) => {
          const e = await new AlertRepository(tx).transition(
            a.orgId,
            a.id,
            'escalated',
            at,
            null,
            `unacknowledged for ${Math.round(after / 60)} min`,
          );
          if (!e) return undefined;
          await announce(tx, e);
          await deps.notify?.(tx, { kind: 'escalation', alert: e, text: escalationText(e.message, Math.round(after / 60)) });
          return e;
        });
        if (esc) changed.push(esc);
      }
      publish(changed);
      return changed;
    },

    /** A person has seen it: escalation stops. Undefined when absent, foreign, or not open. */
    acknowledge: (orgId: string, alertId: string, userId: string | null, note?: string) =>
      byPerson(orgId, alertId, 'acknowledged', userId, note),
    /** A person closes it by hand; the condition must clear before the same alert can be raised again. */
    resolve: (orgId: string, alertId: string, userId: string | null, note?: string) => byPerson(orgId, alertId, 'resolved', userId, note),
    list: (orgId: string, f?: AlertFilter) => new AlertRepository(deps.db).list(orgId, f),
    get: (orgId: string, id: string) => new AlertRepository(deps.db).get(orgId, id),
    history: (orgId: string, id: string) => new AlertRepository(deps.db).history(orgId, id),
  };
}

import { AlertRepository, type Alert } from './alert.repository.js';
import { AlertSetRepository } from './alert-set.repository.js';
import { IDLE, step, type ConditionState, type Verdict } from './hysteresis.js';
import type { Judge, Stored } from './judge.js';
import type { AlertFacts, OrderSuggestion } from './messages.js';
import { RULES, STOCK_RULES, type StockReading } from './rules.js';
import { writeStockChanges, type StockChange } from './stock-changes.js';

type StockRule = (typeof STOCK_RULES)[number];
/** A reading under one stock rule that may change its condition. */
interface Judged {
  name: StockRule;
  r: StockReading;
  facts: AlertFacts;
  key: string;
  verdict: Verdict;
}
/** What one (rule, subject)'s readings came to: the condition to save, the change to write, the readings behind it. */
interface Decision {
  judged: Judged[];
  save: Parameters<AlertRepository['saveConditions']>[1][number] | undefined;
  change: StockChange | undefined;
}

/**
 * Judges a chunk of levels as a set (issue #30): one read of the stale cameras and the conditions held,
 * one lock of the conditions that may move, every reading folded through the hysteresis in memory, then
 * one write a kind (conditions, resolves, raises, live events, outbox rows) in one transaction. A subject
 * read several times in the chunk changes once: a manager gets one text, not one a level. Judging a
 * raise one at a time took ~12 round trips (two transactions, the context, the history, the outbox) and
 * a resolve ~8, so a fleet's levels waited longer and longer to be judged.
 *
 * Ordering is asked outside the transaction, once an item-location, for the raises the conditions read
 * beforehand foresee; a raise only the locked read shows (a writer came between) takes the one-by-one
 * path after the commit, which asks then.
 */
export async function judgeStockLevels(judge: Judge, orgId: string, readings: readonly StockReading[]): Promise<Alert[]> {
  const { deps, log, rules, now } = judge;
  const trusted = readings.filter((r) => r.trusted);
  if (trusted.length < readings.length) log.debug({ untrusted: readings.length - trusted.length }, 'untrusted stock readings not judged');
  if (!trusted.length) return [];
  for (const r of trusted) if (r.orgId !== orgId) throw new Error(`stockLevels: a reading of organisation ${r.orgId} among ${orgId}'s`);
  const stale = await new AlertRepository(deps.db).staleCameraLocations(orgId, [...new Set(trusted.map((r) => r.locationId))]);
  const known = await new AlertSetRepository(deps.db).conditionStates(orgId, STOCK_RULES, [
    ...new Set(trusted.map((r) => RULES.low_stock.subject(r).key)),
  ]);
  const todo: Judged[] = [];
  /** subjects whose condition this chunk may move: one held, or a reading before that was not clear */
  const moving = new Set(known.keys());
  for (const r of trusted) {
    if (stale.has(r.locationId)) {
      log.debug({ itemId: r.itemId, locationId: r.locationId }, 'stock reading at a stale camera not judged');
      continue;
    }
    const facts = { level: r.level, reorderPoint: r.reorderPoint };
    for (const name of STOCK_RULES) {
      const key = RULES[name].subject(r).key;
      const verdict = RULES[name].classify(r, rules);
      // most levels of a busy fleet are fine and hold no condition: nothing to lock or write
      if (verdict === 'clear' && !moving.has(`${name} ${key}`)) continue;
      moving.add(`${name} ${key}`);
      todo.push({ name, r, facts, key, verdict });
    }
  }
  if (!todo.length) return [];
  const orders = await askOrders(judge, orgId, decide(judge, todo, known, now()));
  const later: Judged[] = [];
  const changed = await deps.db.transaction(async (tx) => {
    later.length = 0;
    const repo = new AlertRepository(tx);
    const held = await repo.lockConditions(
      orgId,
      todo.map((t) => ({ rule: t.name, subjectKey: t.key })),
    );
    const ready: Decision[] = [];
    for (const d of decide(judge, todo, held, now())) {
      const item = d.change?.raise && `${d.change.subject.itemId} ${d.change.subject.locationId}`;
      if (item && deps.orderSuggestion && !orders.has(item)) later.push(...d.judged);
      else ready.push(d);
    }
    await repo.saveConditions(
      orgId,
      ready.flatMap((d) => (d.save ? [d.save] : [])),
    );
    return writeStockChanges(
      judge,
      tx,
      orgId,
      ready.flatMap((d) => (d.change ? [d.change] : [])),
      orders,
    );
  });
  judge.publish(changed);
  for (const t of later) changed.push(...(await judge.evaluate(t.name, t.r, t.facts)));
  return changed;
}

/** Each (rule, subject)'s readings, in order, through the hysteresis from its state in `states`. */
function decide(judge: Judge, todo: readonly Judged[], states: ReadonlyMap<string, ConditionState>, at: Date): Decision[] {
  const bySubject = new Map<string, Judged[]>();
  for (const t of todo) {
    const id = `${t.name} ${t.key}`;
    bySubject.set(id, [...(bySubject.get(id) ?? []), t]);
  }
  const out: Decision[] = [];
  for (const [id, judged] of bySubject) {
    const first = judged[0]!;
    const hysteresis = RULES[first.name].hysteresis(judge.rules);
    const subject = { ...RULES[first.name].subject(first.r), itemId: first.r.itemId, locationId: first.r.locationId };
    let state: Stored = (states.get(id) as Stored | undefined) ?? IDLE;
    const wasActive = state.active;
    let moved = false;
    let resolved = false;
    let raisedWith: AlertFacts | undefined;
    let raiseAt: Date | null = null;
    for (const t of judged) {
      if (state === IDLE && t.verdict === 'clear') continue;
      const s = step(state, t.verdict, t.r.at, hysteresis);
      const facts = { ...state.facts, ...t.facts };
      if (s.action === 'resolve') resolved = true;
      if (s.action === 'raise') raisedWith = facts;
      state = s.state === IDLE ? IDLE : { ...s.state, subject, facts };
      raiseAt = s.raiseAt;
      moved = true;
    }
    if (!moved) {
      out.push({ judged, save: undefined, change: undefined });
      continue;
    }
    const last = judged[judged.length - 1]!;
    const resolve = wasActive && resolved;
    const raise = state.active && (!wasActive || resolved) ? raisedWith : undefined;
    out.push({
      judged,
      save: { venueId: last.r.venueId, rule: first.name, subjectKey: first.key, state, raiseAt, at },
      change: resolve || raise ? { rule: first.name, venueId: last.r.venueId, subject, resolve, raise } : undefined,
    });
  }
  return out;
}

/** Ordering's suggestion for each item-location about to be raised, asked once each; a failure only leaves it out. */
async function askOrders(judge: Judge, orgId: string, foreseen: readonly Decision[]): Promise<Map<string, OrderSuggestion | undefined>> {
  const answers = new Map<string, OrderSuggestion | undefined>();
  const ask = judge.deps.orderSuggestion;
  if (!ask) return answers;
  for (const d of foreseen) {
    if (!d.change?.raise) continue;
    const { itemId, locationId } = d.change.subject;
    if (answers.has(`${itemId} ${locationId}`)) continue;
    answers.set(
      `${itemId} ${locationId}`,
      await ask(orgId, itemId, locationId).catch((e: unknown) => {
        judge.log.warn({ err: e, itemId, locationId }, 'no order suggestion for the alert; it goes out without one');
        return undefined;
      }),
    );
  }
  return answers;
}

import { AlertRepository, type Alert } from './alert.repository.js';
import { IDLE, step, type Verdict } from './hysteresis.js';
import type { Judge, Stored } from './judge.js';
import type { AlertFacts } from './messages.js';
import { RULES, STOCK_RULES, type StockReading } from './rules.js';

/**
 * Judges levels against the stock rules. Most levels of a busy fleet are fine and have no condition:
 * judging one took a transaction per rule (BEGIN, SELECT … FOR UPDATE, COMMIT) and a stale-camera
 * query, ~9 statements a level, which held ingest back (its backlog of judgements is bounded). So
 * the stale cameras and the conditions held are read once for all the levels, and a 'clear' verdict
 * on a subject with no condition is skipped: the transaction would find none and change nothing (a
 * condition another writer creates meanwhile ends as if this clear had been judged before it).
 */
export async function judgeStockLevels(judge: Judge, orgId: string, readings: readonly StockReading[]): Promise<Alert[]> {
  const { deps, log, rules, now } = judge;
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
  for (const t of later) out.push(...(await judge.evaluate(t.name, t.r, t.facts)));
  return out;
}

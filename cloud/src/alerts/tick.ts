import { AlertRepository, type Alert } from './alert.repository.js';
import { due } from './hysteresis.js';
import type { Judge, Stored } from './judge.js';
import { escalationText } from './messages.js';
import { RULES } from './rules.js';

/** Periodic: raises breaches that lasted long enough with no new reading, and escalates unacknowledged alerts. */
export async function tick(judge: Judge): Promise<Alert[]> {
  const { deps, rules, now, withOrder, apply, announce, publish } = judge;
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
}

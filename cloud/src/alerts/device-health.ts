import { AlertRepository, type Alert } from './alert.repository.js';
import type { Verdict } from './hysteresis.js';
import type { Judge } from './judge.js';
import type { AlertFacts } from './messages.js';
import { RULES, type CameraReading, type DeviceReading, type OutboxReading, type ReadingOf, type RuleName, type Subject } from './rules.js';

/** One reading and the rule judging it. */
type Judged = { [N in RuleName]: { name: N; r: ReadingOf[N]; facts: AlertFacts } }[RuleName];

/**
 * A device's status: the device, then each camera, then its outbox, as deviceStatus, cameraStatus and
 * outboxDepth judge them. A healthy device's subjects are clear and hold no condition: judging each took
 * a locked transaction (BEGIN, SELECT … FOR UPDATE, COMMIT), ~15 round trips a status on the ingest
 * path, so those are skipped after one read for all of them, as stockLevels skips a fine level.
 */
export async function judgeDeviceHealth(
  judge: Judge,
  r: DeviceReading,
  cameras: readonly CameraReading[],
  outbox: OutboxReading | undefined,
): Promise<Alert[]> {
  const { deps, rules } = judge;
  const verdictOf = (j: Judged): Verdict => (RULES[j.name].classify as (r: unknown, c: typeof rules) => Verdict)(j.r, rules);
  const keyOf = (j: Judged): string => (RULES[j.name].subject as (r: unknown) => Subject)(j.r).key;
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
    out.push(...(await judge.evaluate(j.name, j.r as never, j.facts)));
  }
  return out;
}

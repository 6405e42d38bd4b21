/**
 * The one debouncer every alert rule shares. A rule only says, per reading,
 * whether it is a breach, clearly fine, or in the band between (for stock:
 * above the reorder point but not above reorder point + margin). This module
 * decides when that becomes a raised or resolved alert.
 *
 * Pure: state in, state out, the clock passed in. The engine stores the state
 * in alert_conditions so any cloud instance can take the next reading.
 */
export type Verdict = 'breach' | 'band' | 'clear';

export interface Hysteresis {
  /** Raise after this many breach readings with no clear reading between them. */
  raiseAfterReadings: number;
  /** …or once the breach has lasted this long (ms), whichever comes first. */
  raiseAfterMs: number;
  /** Resolve after this many consecutive clear readings. */
  clearAfterReadings: number;
}

export interface ConditionState {
  active: boolean;
  breachCount: number;
  /** ISO instant of the first breach reading of the current episode. */
  breachSince: string | null;
  clearCount: number;
}

export const IDLE: ConditionState = { active: false, breachCount: 0, breachSince: null, clearCount: 0 };

export interface Step {
  state: ConditionState;
  action: 'raise' | 'resolve' | null;
  /** When a pending breach becomes due by duration alone; null when nothing is pending. */
  raiseAt: Date | null;
}

export function step(prev: ConditionState, verdict: Verdict, now: Date, h: Hysteresis): Step {
  if (prev.active) {
    if (verdict !== 'clear') return { state: { ...prev, clearCount: 0 }, action: null, raiseAt: null };
    const clearCount = prev.clearCount + 1;
    if (clearCount >= h.clearAfterReadings) return { state: IDLE, action: 'resolve', raiseAt: null };
    return { state: { ...prev, clearCount }, action: null, raiseAt: null };
  }
  // A reading in the band neither counts nor resets: noise around the reorder
  // point (1.9, 2.1, 1.9 …) must still raise once, and then stay raised.
  if (verdict === 'band') return { state: prev, action: null, raiseAt: pendingUntil(prev, h) };
  if (verdict === 'clear') return { state: IDLE, action: null, raiseAt: null };
  const breachSince = prev.breachSince ?? now.toISOString();
  const next: ConditionState = { active: false, breachCount: prev.breachCount + 1, breachSince, clearCount: 0 };
  if (next.breachCount >= h.raiseAfterReadings || lasted(next, now) >= h.raiseAfterMs) {
    return { state: { ...next, active: true }, action: 'raise', raiseAt: null };
  }
  return { state: next, action: null, raiseAt: pendingUntil(next, h) };
}

/** For the periodic tick: a breach with no newer reading that has now lasted long enough. */
export function due(prev: ConditionState, now: Date, h: Hysteresis): Step {
  if (prev.active || prev.breachSince === null || lasted(prev, now) < h.raiseAfterMs) {
    return { state: prev, action: null, raiseAt: prev.active ? null : pendingUntil(prev, h) };
  }
  return { state: { ...prev, active: true }, action: 'raise', raiseAt: null };
}

function lasted(s: ConditionState, now: Date): number {
  return s.breachSince === null ? 0 : now.getTime() - Date.parse(s.breachSince);
}

function pendingUntil(s: ConditionState, h: Hysteresis): Date | null {
  if (s.breachSince === null || !Number.isFinite(h.raiseAfterMs)) return null;
  return new Date(Date.parse(s.breachSince) + h.raiseAfterMs);
}

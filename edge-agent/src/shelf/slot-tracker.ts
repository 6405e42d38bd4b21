import { unitsOf, type BottleDetection } from '@smartstock/models';
import type { AgentConfig } from '../config/schema.js';

export interface SlotValue {
  count: number;
  fills: (number | null)[];
  units: number;
  confidence: number;
  state: 'ok' | 'occluded' | 'stale';
}

type Rules = AgentConfig['shelf'];

/**
 * One slot's count over time. A new count is believed only after
 * `consistentReadings` readings agree (Frigate's state classification habit).
 * A reading that looks like someone standing in front (low scores, or most
 * bottles vanishing at once) holds the last good value and, when its count
 * differs, marks it occluded; it is believed only if it persists for
 * `occlusionHoldReadings`. A person the detector sees in front of the slot
 * makes a reading suspect the same way (`hidden`), held for
 * `personHoldReadings`: one bottle behind a bartender is not a slot gone
 * empty, nor a bottle in their hand one more. A weak reading of the same count changes nothing:
 * the count it shows is the one held, so there is nothing to call hidden, and
 * its fills (perhaps of a bottle half behind an arm) are not averaged in.
 */
export class SlotTracker {
  private stable: SlotValue | null = null;
  private candidate: { count: number; n: number; suspect: boolean } | null = null;
  private fillHistory: (number | null)[][] = [];
  /** The counts of the last readings, for how sure a value is: the share of them that agree with it. */
  private readonly recentCounts: number[] = [];

  constructor(private readonly rules: Rules) {}

  get value(): SlotValue | null {
    return this.stable;
  }

  /** Feeds one reading (`hidden`: a person stands in front of the slot); returns the value when it changed enough to report. */
  read(bottles: readonly BottleDetection[], hidden = false): SlotValue | null {
    const rules = this.rules;
    const count = bottles.length;
    const meanScore = count ? bottles.reduce((s, b) => s + b.score, 0) / count : 1;
    const prev = this.stable;
    const bigDrop = prev !== null && prev.count > 1 && prev.count - count > prev.count * rules.occlusionDropFraction;
    const suspect = hidden || meanScore < rules.occlusionScore || bigDrop;
    const fills = bottles.map((b) => b.fill);
    this.remember(count);

    if (prev && count === prev.count) {
      this.candidate = null;
      if (suspect) return prev.state === 'occluded' ? this.update({ ...prev, state: 'ok' }) : null;
      this.pushFills(fills);
      return this.update({ ...this.valueOf(count, meanScore), state: 'ok' });
    }
    this.candidate =
      this.candidate && this.candidate.count === count ? { count, n: this.candidate.n + 1, suspect } : { count, n: 1, suspect };
    const needed = hidden ? rules.personHoldReadings : suspect ? rules.occlusionHoldReadings : rules.consistentReadings;
    if (this.candidate.n >= needed) {
      this.candidate = null;
      this.fillHistory = [];
      this.pushFills(fills);
      return this.update({ ...this.valueOf(count, meanScore), state: 'ok' });
    }
    if (prev && suspect && prev.state !== 'occluded') return this.update({ ...prev, state: 'occluded' });
    return null;
  }

  /** The camera stopped delivering: keep the value, say it is stale. */
  markStale(): SlotValue | null {
    if (!this.stable || this.stable.state === 'stale') return null;
    return this.update({ ...this.stable, state: 'stale' });
  }

  private pushFills(fills: (number | null)[]): void {
    this.fillHistory.push(fills);
    if (this.fillHistory.length > this.rules.consistentReadings) this.fillHistory.shift();
  }

  private remember(count: number): void {
    this.recentCounts.push(count);
    if (this.recentCounts.length > 10) this.recentCounts.shift();
  }

  /** Fills averaged per bottle over the recent readings that agreed on the count. */
  private valueOf(count: number, meanScore: number): Omit<SlotValue, 'state'> {
    const fills: (number | null)[] = [];
    for (let i = 0; i < count; i++) {
      const seen = this.fillHistory.map((f) => f[i]).filter((v): v is number => typeof v === 'number');
      fills.push(seen.length ? round(seen.reduce((a, b) => a + b, 0) / seen.length, 3) : null);
    }
    // units = full bottles + the open bottles' fill; an opaque bottle (null) counts as one unit.
    const units = unitsOf(fills, this.rules.fullAbove);
    // a count just confirmed by `consistentReadings` equal readings is as sure as those readings, not half as
    const agreement = this.recentCounts.filter((c) => c === count).length / this.recentCounts.length;
    return { count, fills, units: round(units, 3), confidence: round(Math.min(1, Math.max(0, meanScore * (0.5 + agreement / 2))), 3) };
  }

  private update(next: SlotValue): SlotValue | null {
    const prev = this.stable;
    this.stable = next;
    const changed =
      !prev || prev.count !== next.count || prev.state !== next.state || Math.abs(prev.units - next.units) >= this.rules.unitsEpsilon;
    if (!changed) {
      this.stable = { ...next, units: prev.units, fills: prev.fills }; // report-worthy drift accumulates from the last report
      return null;
    }
    return next;
  }
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

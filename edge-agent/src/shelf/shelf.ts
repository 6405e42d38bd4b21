import { uuidv7, type CameraConfig, type Observation, type SlotConfig } from '@smartstock/protocol';
import type { Logger } from '@smartstock/runtime';
import type { AgentConfig } from '../config/schema.js';
import type { AnalysedFrame, EventBus } from '../bus.js';
import { assignToSlots } from '@smartstock/models';
import { SlotTracker, type SlotValue } from './slot-tracker.js';

export interface ShelfDeps {
  rules: AgentConfig['shelf'];
  bus: EventBus;
  log: Logger;
  now?: () => number;
}

interface SlotEntry {
  cameraId: string;
  slot: SlotConfig;
  tracker: SlotTracker;
  lastEmitAt: number;
  lastFrameAt: number;
}

const OWNER = 'shelf';

/**
 * Detections → per-slot counts → observations. Emits when a slot's value
 * changes, and a heartbeat for every slot with a value every heartbeatSeconds,
 * so the cloud can tell "unchanged" from "not heard from".
 */
export class Shelf {
  private readonly slots = new Map<string, SlotEntry>();
  private slotsByCamera = new Map<string, SlotConfig[]>();
  private timer: NodeJS.Timeout | null = null;
  private readonly now: () => number;

  constructor(private readonly deps: ShelfDeps) {
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    this.deps.bus.on('analysis', OWNER, (a) => this.onAnalysis(a));
    this.deps.bus.on('cameraState', OWNER, (h) => {
      if (h.state === 'stale' || h.state === 'failed') this.markCameraStale(h.id);
    });
    const every = Math.min(10_000, (this.deps.rules.heartbeatSeconds * 1000) / 4);
    this.timer = setInterval(() => this.heartbeat(), every);
    this.timer.unref();
  }

  stop(): void {
    this.deps.bus.removeListeners(OWNER);
    if (this.timer) clearInterval(this.timer);
  }

  /** New slot map; trackers of slots whose polygon and SKU are unchanged keep their history. */
  apply(cameras: readonly CameraConfig[]): void {
    const keep = new Map<string, SlotEntry>();
    this.slotsByCamera = new Map(cameras.map((c) => [c.id, c.slots]));
    for (const c of cameras) {
      for (const s of c.slots) {
        const key = `${c.id}/${s.id}`;
        const old = this.slots.get(key);
        const same = old && JSON.stringify(old.slot) === JSON.stringify(s);
        keep.set(key, same ? old : { cameraId: c.id, slot: s, tracker: new SlotTracker(this.deps.rules), lastEmitAt: 0, lastFrameAt: 0 });
      }
    }
    this.slots.clear();
    for (const [k, v] of keep) this.slots.set(k, v);
  }

  slotsOf(cameraId: string): SlotConfig[] {
    return this.slotsByCamera.get(cameraId) ?? [];
  }

  /** Current value of every slot, for tests and the demo. */
  values(): { cameraId: string; slotId: string; sku: string | null; value: SlotValue | null }[] {
    return [...this.slots.values()].map((e) => ({ cameraId: e.cameraId, slotId: e.slot.id, sku: e.slot.sku, value: e.tracker.value }));
  }

  private onAnalysis(a: AnalysedFrame): void {
    const slots = this.slotsOf(a.cameraId);
    if (!slots.length) return;
    const bySlot = assignToSlots(a.analysis, slots);
    const out: Observation[] = [];
    for (const s of slots) {
      const e = this.slots.get(`${a.cameraId}/${s.id}`);
      if (!e) continue;
      e.lastFrameAt = a.at;
      const v = e.tracker.read(bySlot.get(s.id) ?? []);
      if (v) out.push(this.observe(e, v, 'change', a.at));
    }
    if (out.length) this.deps.bus.emit('observations', out);
  }

  private markCameraStale(cameraId: string): void {
    const out: Observation[] = [];
    for (const e of this.slots.values()) {
      if (e.cameraId !== cameraId) continue;
      const v = e.tracker.markStale();
      if (v) out.push(this.observe(e, v, 'change', this.now()));
    }
    if (out.length) this.deps.bus.emit('observations', out);
  }

  private heartbeat(): void {
    const now = this.now();
    const out: Observation[] = [];
    for (const e of this.slots.values()) {
      const v = e.tracker.value;
      if (v && now - e.lastEmitAt >= this.deps.rules.heartbeatSeconds * 1000) out.push(this.observe(e, v, 'heartbeat', now));
    }
    if (out.length) this.deps.bus.emit('observations', out);
  }

  private observe(e: SlotEntry, v: SlotValue, reason: Observation['reason'], at: number): Observation {
    e.lastEmitAt = this.now();
    return {
      id: uuidv7(),
      cameraId: e.cameraId,
      slotId: e.slot.id,
      sku: e.slot.sku,
      at: new Date(at).toISOString(),
      count: v.count,
      fills: v.fills,
      units: v.units,
      confidence: v.confidence,
      state: v.state,
      reason,
    };
  }
}

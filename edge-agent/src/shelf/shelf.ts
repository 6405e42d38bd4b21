import { uuidv7, type CameraConfig, type Observation, type SlotConfig } from '@smartstock/protocol';
import type { Logger } from '@smartstock/runtime';
import type { AgentConfig } from '../config/schema.js';
import type { AnalysedFrame, EventBus } from '../bus.js';
import { assignToSlots, slotsHiddenByPeople } from '@smartstock/models';
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
    this.slotsByCamera = new Map(cameras.map((camera) => [camera.id, camera.slots]));
    for (const camera of cameras) {
      for (const slot of camera.slots) {
        const key = `${camera.id}/${slot.id}`;
        const old = this.slots.get(key);
        const same = old && JSON.stringify(old.slot) === JSON.stringify(slot);
        keep.set(key, same ? old : { cameraId: camera.id, slot, tracker: new SlotTracker(this.deps.rules), lastEmitAt: 0, lastFrameAt: 0 });
      }
    }
    this.slots.clear();
    for (const [key, entry] of keep) this.slots.set(key, entry);
  }

  slotsOf(cameraId: string): SlotConfig[] {
    return this.slotsByCamera.get(cameraId) ?? [];
  }

  /** Current value of every slot, for tests and the demo. */
  values(): { cameraId: string; slotId: string; sku: string | null; value: SlotValue | null }[] {
    return [...this.slots.values()].map((entry) => ({
      cameraId: entry.cameraId,
      slotId: entry.slot.id,
      sku: entry.slot.sku,
      value: entry.tracker.value,
    }));
  }

  private onAnalysis(analysed: AnalysedFrame): void {
    const slots = this.slotsOf(analysed.cameraId);
    if (!slots.length) return;
    const { analysis } = analysed;
    const bySlot = assignToSlots(analysis, slots);
    const hidden = slotsHiddenByPeople(analysis, slots, this.deps.rules.personCover);
    const out: Observation[] = [];
    for (const slot of slots) {
      const entry = this.slots.get(`${analysed.cameraId}/${slot.id}`);
      if (!entry) continue;
      entry.lastFrameAt = analysed.at;
      const value = entry.tracker.read(bySlot.get(slot.id) ?? [], hidden.has(slot.id));
      if (value) out.push(this.observe(entry, value, 'change', analysed.at));
    }
    if (out.length) this.deps.bus.emit('observations', out);
  }

  private markCameraStale(cameraId: string): void {
    const out: Observation[] = [];
    for (const entry of this.slots.values()) {
      if (entry.cameraId !== cameraId) continue;
      const value = entry.tracker.markStale();
      if (value) out.push(this.observe(entry, value, 'change', this.now()));
    }
    if (out.length) this.deps.bus.emit('observations', out);
  }

  private heartbeat(): void {
    const now = this.now();
    const out: Observation[] = [];
    for (const entry of this.slots.values()) {
      const value = entry.tracker.value;
      if (value && now - entry.lastEmitAt >= this.deps.rules.heartbeatSeconds * 1000)
        out.push(this.observe(entry, value, 'heartbeat', now));
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

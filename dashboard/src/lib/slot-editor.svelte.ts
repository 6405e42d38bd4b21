// The slot editor's state: the camera's slots being edited, the polygon being
// drawn, and the device's answer to the saved configuration.
import type { Api } from './api';
import type { Camera, Slot } from './types';

export type AckState =
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'waiting'; revision: number }
  | { kind: 'applied'; revision: number }
  | { kind: 'rejected'; revision: number; error: string }
  | { kind: 'timeout'; revision: number };

const clamp = (v: number) => Math.min(1, Math.max(0, Math.round(v * 10_000) / 10_000));

export class SlotEditor {
  slots = $state<Slot[]>([]);
  draft = $state<[number, number][]>([]);
  ack = $state<AckState>({ kind: 'idle' });
  dirty = $state(false);
  private cameras: Camera[] = [];

  constructor(
    private readonly api: Api,
    readonly deviceId: string,
    readonly cameraId: string,
  ) {}

  async load(): Promise<void> {
    const d = await this.api.device(this.deviceId);
    this.cameras = d.cameras;
    this.slots = structuredClone(d.cameras.find((c) => c.id === this.cameraId)?.slots ?? []);
    this.dirty = false;
  }

  addPoint(x: number, y: number): void {
    this.draft.push([clamp(x), clamp(y)]);
  }

  undoPoint(): void {
    this.draft.pop();
  }

  closeDraft(): void {
    if (this.draft.length < 3) return;
    const used = new Set(this.slots.map((s) => s.id));
    let n = this.slots.length + 1;
    while (used.has(`slot-${n}`)) n++;
    this.slots.push({ id: `slot-${n}`, itemId: null, name: null, polygon: this.draft });
    this.draft = [];
    this.dirty = true;
  }

  assign(slotId: string, itemId: string | null): void {
    const s = this.slots.find((x) => x.id === slotId);
    if (s) s.itemId = itemId;
    this.dirty = true;
  }

  remove(slotId: string): void {
    this.slots = this.slots.filter((s) => s.id !== slotId);
    this.dirty = true;
  }

  /** saves every camera of the device (the API replaces them all), then waits for the device's ack */
  async save(opts: { timeoutMs?: number; pollMs?: number } = {}): Promise<void> {
    this.ack = { kind: 'saving' };
    const cameras = this.cameras.map((c) => (c.id === this.cameraId ? { ...c, slots: $state.snapshot(this.slots) } : c));
    let revision: number;
    try {
      revision = (await this.api.saveCameras(this.deviceId, cameras)).configRevision;
    } catch (e) {
      this.ack = { kind: 'idle' };
      throw e;
    }
    this.cameras = cameras;
    this.dirty = false;
    this.ack = { kind: 'waiting', revision };
    const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 1000));
      const d = await this.api.device(this.deviceId);
      if (d.configError && d.configRevision === revision && d.configAckedRevision < revision) {
        this.ack = { kind: 'rejected', revision, error: d.configError };
        return;
      }
      if (d.configAckedRevision >= revision) {
        this.ack = d.configError ? { kind: 'rejected', revision, error: d.configError } : { kind: 'applied', revision };
        return;
      }
    }
    this.ack = { kind: 'timeout', revision };
  }
}

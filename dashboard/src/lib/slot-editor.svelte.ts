// The slot editor's state: the camera's slots being edited, the polygon being
// drawn, and the device's answer to the saved configuration.
import type { Api } from './api';
import { ApiError } from './api-client';
import type { Camera, Slot } from './types';

export type AckState =
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'waiting'; revision: number }
  | { kind: 'applied'; revision: number }
  | { kind: 'rejected'; revision: number; error: string }
  | { kind: 'timeout'; revision: number }
  /** someone else saved the device's cameras after they were read: reloaded, the manager's slots kept aside */
  | { kind: 'stale'; revision: number; mine: Slot[] };

const clamp = (v: number) => Math.min(1, Math.max(0, Math.round(v * 10_000) / 10_000));

export class SlotEditor {
  slots = $state<Slot[]>([]);
  draft = $state<[number, number][]>([]);
  ack = $state<AckState>({ kind: 'idle' });
  dirty = $state(false);
  private cameras: Camera[] = [];
  /** the device's configRevision the cameras were read at: sent with the save, so another's save in between is not undone */
  private readAt: number | undefined;

  constructor(
    private readonly api: Api,
    readonly deviceId: string,
    readonly cameraId: string,
  ) {}

  async load(): Promise<void> {
    const d = await this.api.device(this.deviceId);
    this.cameras = d.cameras;
    this.readAt = d.configRevision;
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

  /** puts back the slots the manager had drawn before the reload, on top of the cameras as they are now: saving them again is their choice */
  restoreMine(): void {
    if (this.ack.kind !== 'stale') return;
    // a snapshot, not structuredClone: ack is deep state, and a state proxy cannot be cloned
    this.slots = $state.snapshot(this.ack.mine);
    this.dirty = true;
    this.ack = { kind: 'idle' };
  }

  /** the save was refused because someone else saved first: show their cameras, keep the manager's slots aside (nothing lost unseen) */
  private async reloadAfterStale(unsaved: Camera[]): Promise<void> {
    const mine = structuredClone(unsaved.find((c) => c.id === this.cameraId)?.slots ?? []);
    await this.load();
    this.ack = { kind: 'stale', revision: this.readAt ?? 0, mine };
  }

  /** saves every camera of the device (the API replaces them all), then waits for the device's ack */
  async save(opts: { timeoutMs?: number; pollMs?: number } = {}): Promise<void> {
    this.ack = { kind: 'saving' };
    const cameras = this.cameras.map((c) => (c.id === this.cameraId ? { ...c, slots: $state.snapshot(this.slots) } : c));
    let revision: number;
    try {
      const saved = await this.api.saveCameras(this.deviceId, cameras, this.readAt);
      revision = saved.configRevision;
      this.cameras = saved.cameras;
      this.readAt = revision;
    } catch (e) {
      this.ack = { kind: 'idle' };
      if (e instanceof ApiError && e.code === 'stale_revision') return this.reloadAfterStale(cameras);
      throw e;
    }
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

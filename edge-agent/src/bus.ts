import type { Logger } from '@smartstock/runtime';
import type { Observation } from '@smartstock/protocol';
import type { FrameAnalysis, RawFrame } from '@smartstock/models';
import type { CameraHealth } from '@smartstock/protocol';

/** A sampled frame from one camera: JPEG bytes, and the raw frame for the models when ffmpeg writes one. */
export interface Frame {
  cameraId: string;
  jpeg: Buffer;
  /** RGB at the camera's analysis width (with the detector's view), analysed instead of the JPEG. */
  pixels?: RawFrame;
  /** When ffmpeg handed it over (ms since epoch); stands in for capture time. */
  at: number;
  /**
   * Gives `pixels`' buffers back to the camera for a later frame. Only the vision worker calls it, once
   * it is done with the frame (analysed or dropped); a listener that keeps the pixels longer copies them.
   */
  release?: () => void;
}

export interface AnalysedFrame {
  cameraId: string;
  at: number;
  analysis: FrameAnalysis;
}

/** Every event that crosses a subsystem boundary; data flows camera → vision → shelf → store → uplink. */
export interface AgentEvents {
  frame: Frame;
  analysis: AnalysedFrame;
  cameraState: CameraHealth;
  observations: Observation[];
  /** The outbox committed these rows: the uplink may try to drain. */
  stored: { rows: number };
}

type Listener<T> = (payload: T) => void;

/**
 * A small typed bus. A throwing listener is logged with module/event and never
 * stops the other listeners or the emitter (z2m eventBus habit); removeListeners
 * lets a module drop everything it registered on stop().
 */
export class EventBus {
  private readonly listeners = new Map<keyof AgentEvents, { owner: string; fn: Listener<never> }[]>();

  constructor(private readonly log: Logger) {}

  on<K extends keyof AgentEvents>(event: K, owner: string, fn: Listener<AgentEvents[K]>): void {
    const list = this.listeners.get(event) ?? [];
    list.push({ owner, fn: fn as Listener<never> });
    this.listeners.set(event, list);
  }

  emit<K extends keyof AgentEvents>(event: K, payload: AgentEvents[K]): void {
    for (const { owner, fn } of this.listeners.get(event) ?? []) {
      try {
        (fn as Listener<AgentEvents[K]>)(payload);
      } catch (err) {
        this.log.error({ err, module: owner, event }, 'listener failed');
      }
    }
  }

  removeListeners(owner: string): void {
    for (const [event, list] of this.listeners) {
      this.listeners.set(
        event,
        list.filter((l) => l.owner !== owner),
      );
    }
  }
}

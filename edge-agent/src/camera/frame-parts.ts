import type { RawFrame } from '@smartstock/models';

/** One sampled frame as ffmpeg writes it to its pipes: the JPEG (snapshots), the analysis frame, the detector's view. */
export interface FrameParts {
  jpeg: Buffer;
  frame?: RawFrame;
  view?: RawFrame;
}

type Part = keyof FrameParts;

/**
 * Pairs the pictures of one sampled frame that arrive on separate pipes. ffmpeg makes them from one
 * split of the filter graph, so the n-th picture of each pipe is the same frame; which pipe is read
 * first is up to the system. At most `maxWaiting` pictures wait on one pipe: beyond that the pipes
 * are out of step (a picture was lost), and the waiting ones are dropped rather than mispaired.
 */
export class FrameAssembler {
  private readonly waiting: Record<Part, (Buffer | RawFrame)[]> = { jpeg: [], frame: [], view: [] };

  constructor(
    private readonly parts: readonly Part[],
    private readonly maxWaiting = 4,
  ) {}

  /** Adds one picture; returns the frames it completes (zero or one). */
  push(part: Part, picture: Buffer | RawFrame): FrameParts[] {
    const queue = this.waiting[part];
    queue.push(picture);
    if (queue.length > this.maxWaiting) for (const partName of this.parts) this.waiting[partName].length = 0;
    if (!this.parts.every((partName) => this.waiting[partName].length > 0)) return [];
    const out: Partial<Record<Part, Buffer | RawFrame>> = {};
    for (const partName of this.parts) out[partName] = this.waiting[partName].shift()!;
    return [out as FrameParts];
  }
}

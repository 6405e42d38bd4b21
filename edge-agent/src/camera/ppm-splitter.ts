import type { RawFrame } from '@smartstock/models';

/** Where a picture's bytes go: a frame-sized buffer (a FramePool's, or a new one). */
export type FrameAlloc = (bytes: number) => Buffer;

const HEADER_MAX = 64;

/**
 * Cuts ffmpeg's PPM image2pipe stream (`-c:v ppm`) into raw RGB frames. Each picture is a
 * text header, `P6\n<width> <height>\n255\n`, then width x height x 3 bytes: the header carries
 * the size, so the frames need no size agreed beforehand (rawvideo would).
 *
 * Each chunk is copied once, straight into the picture's own frame-sized buffer (from `alloc`): a
 * 1 MB frame arrives in 16 or more 64 KB pipe reads, and gathering them in a list to concatenate
 * later copied and allocated it twice (a full garbage collection every few frames at 32 cameras).
 */
export class PpmSplitter {
  /** Header bytes of the next picture, when a chunk ended inside the header. */
  private head: Buffer = Buffer.alloc(0);
  /** The picture being read: its size, its buffer and how much of it is filled. */
  private current: { width: number; height: number; data: Buffer; filled: number } | null = null;

  constructor(
    private readonly maxBytes = 64 * 1024 * 1024,
    private readonly alloc: FrameAlloc = (n) => Buffer.allocUnsafe(n),
  ) {}

  push(chunk: Buffer): RawFrame[] {
    const out: RawFrame[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (!this.current) {
        at = this.readHeader(chunk, at);
        continue;
      }
      const c = this.current;
      const k = Math.min(c.data.length - c.filled, chunk.length - at);
      chunk.copy(c.data, c.filled, at, at + k);
      c.filled += k;
      at += k;
      if (c.filled === c.data.length) {
        out.push({ data: c.data, width: c.width, height: c.height, channels: 3 });
        this.current = null;
      }
    }
    return out;
  }

  /** Parses the header at `at` (after any header bytes kept from earlier chunks); returns where its pixels start. */
  private readHeader(chunk: Buffer, at: number): number {
    const more = chunk.subarray(at, at + HEADER_MAX - this.head.length);
    const bytes = this.head.length ? Buffer.concat([this.head, more]) : more;
    const head = bytes.toString('latin1');
    const m = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(head);
    if (!m) {
      if (head.length >= HEADER_MAX || (head.length >= 2 && !head.startsWith('P6')))
        throw new Error(`ffmpeg wrote something that is not a PPM picture: ${JSON.stringify(head.slice(0, 16))}`);
      this.head = Buffer.from(bytes); // the chunk ended inside the header: all of it is kept
      return chunk.length;
    }
    const [width, height, maxval] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const size = width * height * 3;
    if (maxval !== 255 || !size || size > this.maxBytes)
      throw new Error(`PPM picture ${width}x${height} (max ${maxval}) is not 8-bit RGB within ${this.maxBytes} bytes`);
    const used = m[0].length - this.head.length;
    this.head = Buffer.alloc(0);
    const data = this.alloc(size);
    if (data.length !== size) throw new Error(`frame buffer holds ${data.length} bytes, the ${width}x${height} picture ${size}`);
    this.current = { width, height, data, filled: 0 };
    return at + used;
  }
}

/**
 * Frame-sized buffers of one camera pipe, reused: a frame's buffer comes back (give) once the models
 * are done with it, so a camera's frames cycle through a few buffers instead of allocating 1 MB each.
 * A frame nobody gives back is simply collected; the pool then allocates a new one.
 */
export class FramePool {
  private readonly free: Buffer[] = [];

  constructor(private readonly keep = 3) {}

  take: FrameAlloc = (bytes) => {
    const i = this.free.findIndex((b) => b.length === bytes);
    return i >= 0 ? this.free.splice(i, 1)[0]! : Buffer.allocUnsafeSlow(bytes);
  };

  give(buf: Buffer): void {
    if (this.free.length < this.keep && !this.free.includes(buf)) this.free.push(buf);
  }
}

import type { RawFrame } from '@smartstock/models';

/**
 * Cuts ffmpeg's PPM image2pipe stream (`-c:v ppm`) into raw RGB frames. Each picture is a
 * text header, `P6\n<width> <height>\n255\n`, then width x height x 3 bytes: the header carries
 * the size, so the frames need no size agreed beforehand (rawvideo would).
 */
export class PpmSplitter {
  private chunks: Buffer[] = [];
  private length = 0;
  /** The picture being read: its size and the bytes it still needs. */
  private current: { width: number; height: number; bytes: number } | null = null;

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  push(chunk: Buffer): RawFrame[] {
    this.chunks.push(chunk);
    this.length += chunk.length;
    const out: RawFrame[] = [];
    for (;;) {
      if (!this.current && !this.readHeader()) break;
      const c = this.current!;
      if (this.length < c.bytes) break;
      out.push({ data: this.take(c.bytes), width: c.width, height: c.height, channels: 3 });
      this.current = null;
    }
    return out;
  }

  /** Parses the header at the front of the pending bytes; false while it is incomplete. */
  private readHeader(): boolean {
    const head = this.peek(Math.min(this.length, 64)).toString('latin1');
    const m = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(head);
    if (!m) {
      if (head.length >= 64 || (head.length >= 2 && !head.startsWith('P6')))
        throw new Error(`ffmpeg wrote something that is not a PPM picture: ${JSON.stringify(head.slice(0, 16))}`);
      return false;
    }
    const [width, height, maxval] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const bytes = width * height * 3;
    if (maxval !== 255 || !bytes || bytes > this.maxBytes)
      throw new Error(`PPM picture ${width}x${height} (max ${maxval}) is not 8-bit RGB within ${this.maxBytes} bytes`);
    this.take(m[0].length);
    this.current = { width, height, bytes };
    return true;
  }

  private peek(n: number): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.length)];
    return this.chunks[0]?.subarray(0, n) ?? Buffer.alloc(0);
  }

  /** The first n pending bytes, as a buffer of their own (the frame outlives ffmpeg's chunks). */
  private take(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    let at = 0;
    while (at < n) {
      const c = this.chunks[0]!;
      const k = Math.min(c.length, n - at);
      c.copy(out, at, 0, k);
      at += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.length -= n;
    return out;
  }
}

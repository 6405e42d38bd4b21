/**
 * Cuts ffmpeg's MJPEG image2pipe stream into JPEG files by their SOI (FFD8)
 * and EOI (FFD9) markers. Inside entropy-coded data every 0xFF is followed by
 * 0x00, so FFD9 only ever marks the end of an image.
 *
 * The bytes of the image being read are copied into one buffer kept from image to image (it grows to
 * the largest JPEG seen), and each chunk is searched once: chunks may be a reused read buffer
 * (process.ts openFramePipe), and gathering them to concatenate on every read copied a JPEG several times.
 */
export class JpegSplitter {
  private buf = Buffer.allocUnsafeSlow(256 * 1024);
  /** Bytes of the current image in buf; 0 while looking for its start. */
  private length = 0;
  /** Looking for SOI: the last chunk ended with 0xFF (half a marker). */
  private halfSoi = false;

  constructor(private readonly maxBytes = 16 * 1024 * 1024) {}

  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.length === 0) {
        // looking for the start of an image
        if (this.halfSoi && chunk[at] === 0xd8) {
          this.halfSoi = false;
          this.append(SOI, 0, 2);
          at += 1;
          continue;
        }
        const soi = chunk.indexOf(SOI, at);
        if (soi < 0) {
          this.halfSoi = chunk[chunk.length - 1] === 0xff;
          return out;
        }
        this.halfSoi = false;
        this.append(chunk, soi, soi + 2);
        at = soi + 2;
        continue;
      }
      // inside an image: its end may straddle two chunks
      let end = -1;
      if (this.buf[this.length - 1] === 0xff && this.length > 2 && chunk[at] === 0xd9) end = at + 1;
      else {
        const eoi = chunk.indexOf(EOI, at);
        if (eoi >= 0) end = eoi + 2;
      }
      const upTo = end < 0 ? chunk.length : end;
      if (this.length + upTo - at > this.maxBytes) {
        this.length = 0; // a runaway frame: drop it rather than grow without bound
        at = upTo;
        continue;
      }
      this.append(chunk, at, upTo);
      at = upTo;
      if (end >= 0) {
        out.push(Buffer.from(this.buf.subarray(0, this.length)));
        this.length = 0;
      }
    }
    return out;
  }

  private append(src: Buffer, from: number, to: number): void {
    const need = this.length + to - from;
    if (need > this.buf.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(need, this.buf.length * 2));
      this.buf.copy(bigger, 0, 0, this.length);
      this.buf = bigger;
    }
    src.copy(this.buf, this.length, from, to);
    this.length = need;
  }
}

const SOI = Buffer.from([0xff, 0xd8]);
const EOI = Buffer.from([0xff, 0xd9]);

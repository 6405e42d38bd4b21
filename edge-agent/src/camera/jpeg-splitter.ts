/**
 * Cuts ffmpeg's MJPEG image2pipe stream into JPEG files by their SOI (FFD8)
 * and EOI (FFD9) markers. Inside entropy-coded data every 0xFF is followed by
 * 0x00, so FFD9 only ever marks the end of an image.
 */
export class JpegSplitter {
  private chunks: Buffer[] = [];
  private length = 0;
  /** Where to resume the EOI search in the pending bytes. */
  private scanFrom = 0;

  constructor(private readonly maxBytes = 16 * 1024 * 1024) {}

  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.length += chunk.length;
    const out: Buffer[] = [];
    let buf = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.length);
    for (;;) {
      const soi = buf.indexOf(SOI);
      if (soi < 0) {
        buf = buf.subarray(Math.max(0, buf.length - 1)); // keep a possible half marker
        this.scanFrom = 0;
        break;
      }
      if (soi > 0) {
        buf = buf.subarray(soi);
        this.scanFrom = 0;
      }
      const eoi = buf.indexOf(EOI, Math.max(2, this.scanFrom));
      if (eoi < 0) {
        this.scanFrom = Math.max(2, buf.length - 1);
        break;
      }
      out.push(Buffer.from(buf.subarray(0, eoi + 2)));
      buf = buf.subarray(eoi + 2);
      this.scanFrom = 0;
    }
    if (buf.length > this.maxBytes) {
      buf = Buffer.alloc(0); // a runaway frame: drop it rather than grow without bound
      this.scanFrom = 0;
    }
    this.chunks = buf.length ? [buf] : [];
    this.length = buf.length;
    return out;
  }
}

const SOI = Buffer.from([0xff, 0xd8]);
const EOI = Buffer.from([0xff, 0xd9]);

/**
 * The key/value metadata an ONNX file carries (ModelProto.metadata_props, field 14). Ultralytics
 * writes its class names, input size and task there, which is what lets a technician import a
 * YOLO export without typing 80 class names. onnxruntime-node does not expose these, and the
 * protobuf is simple enough at the top level to walk by hand: every other field is skipped by its
 * wire type, so a 200 MB graph costs one read and no parsing.
 */
import { readFile } from 'node:fs/promises';
import { VisionError } from '../types.js';

const METADATA_PROPS = 14;

class Reader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): number {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const b = this.buf[this.pos++]!;
      v += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return v;
      mul *= 128;
    }
    throw new Error('varint longer than 10 bytes');
  }
  bytes(): Buffer {
    const n = this.varint();
    if (this.pos + n > this.buf.length) throw new Error(`field of ${n} bytes runs past the end of the file`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported protobuf wire type ${wire}`);
    if (this.pos > this.buf.length) throw new Error('truncated field');
  }
}

/** metadata_props of an ONNX model held in memory; throws a plain Error when the bytes are not protobuf. */
export function parseOnnxMetadata(buf: Buffer): Record<string, string> {
  const r = new Reader(buf);
  const props: Record<string, string> = {};
  let fields = 0;
  while (!r.done) {
    const key = r.varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (field === 0) throw new Error('field number 0');
    fields++;
    if (field !== METADATA_PROPS || wire !== 2) {
      r.skip(wire);
      continue;
    }
    const entry = new Reader(r.bytes());
    let k = '';
    let v = '';
    while (!entry.done) {
      const ek = entry.varint();
      if (ek === (1 << 3) + 2) k = entry.bytes().toString('utf8');
      else if (ek === (2 << 3) + 2) v = entry.bytes().toString('utf8');
      else entry.skip(ek % 8);
    }
    props[k] = v;
  }
  if (fields === 0) throw new Error('empty file');
  return props;
}

/**
 * Reads an ONNX file's metadata; a missing file or one that is not ONNX is a VisionError naming it.
 * A caller that already holds the file's bytes passes them, so a large model is read once.
 */
export async function readOnnxMetadata(file: string, bytes?: Buffer): Promise<Record<string, string>> {
  let buf: Buffer;
  try {
    buf = bytes ?? (await readFile(file));
  } catch (e) {
    throw new VisionError(`cannot read the model (${(e as NodeJS.ErrnoException).code ?? String(e)})`, file);
  }
  try {
    return parseOnnxMetadata(buf);
  } catch (e) {
    throw new VisionError(`not an ONNX model: ${(e as Error).message}`, file);
  }
}

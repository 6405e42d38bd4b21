import { MAX_PAYLOAD_BYTES, validate, type Decoded } from './decode.js';
import { snapshotHeaderSchema, type SnapshotHeader } from './messages/snapshot.js';

/**
 * A snapshot is binary, not base64 JSON: base64 would push a 120 KB JPEG past
 * AWS IoT's 128 KB payload limit. Layout: "SSNP", u32 BE header length,
 * the header as JSON, then the JPEG bytes.
 */
const MAGIC = Buffer.from('SSNP');
export const MAX_SNAPSHOT_JPEG_BYTES = 120 * 1024;

export function encodeSnapshot(header: SnapshotHeader, jpeg: Uint8Array = new Uint8Array()): Buffer {
  const h = validate(snapshotHeaderSchema, header);
  if (!h.ok) throw new Error(`snapshot header ${h.error.field}: ${h.error.message}`);
  if (jpeg.byteLength > MAX_SNAPSHOT_JPEG_BYTES)
    throw new Error(`snapshot JPEG is ${jpeg.byteLength} bytes, over ${MAX_SNAPSHOT_JPEG_BYTES}`);
  const json = Buffer.from(JSON.stringify(h.value), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(json.length);
  const out = Buffer.concat([MAGIC, len, json, jpeg]);
  if (out.length > MAX_PAYLOAD_BYTES) throw new Error(`snapshot payload is ${out.length} bytes, over ${MAX_PAYLOAD_BYTES}`);
  return out;
}

export function decodeSnapshot(payload: Uint8Array): Decoded<{ header: SnapshotHeader; jpeg: Buffer }> {
  const buf = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const bad = (message: string) => ({ ok: false as const, error: { field: '(payload)', message } });
  if (buf.length > MAX_PAYLOAD_BYTES) return bad(`payload is ${buf.length} bytes, over the ${MAX_PAYLOAD_BYTES}-byte limit`);
  if (buf.length < 8 || !buf.subarray(0, 4).equals(MAGIC)) return bad('not a snapshot: missing SSNP header');
  const len = buf.readUInt32BE(4);
  if (8 + len > buf.length) return bad(`header length ${len} runs past the end of the payload`);
  let json: unknown;
  try {
    json = JSON.parse(buf.subarray(8, 8 + len).toString('utf8'));
  } catch (e) {
    return bad(`header is not JSON: ${(e as Error).message}`);
  }
  const h = validate(snapshotHeaderSchema, json);
  if (!h.ok) return h;
  return { ok: true, value: { header: h.value, jpeg: buf.subarray(8 + len) } };
}

import { describe, expect, it } from 'vitest';
import { decodeSnapshot, encodeSnapshot, MAX_SNAPSHOT_JPEG_BYTES, type SnapshotHeader } from '../src/index.js';

const header: SnapshotHeader = {
  v: 1,
  deviceId: 'bar-1',
  requestId: 'r1',
  cameraId: 'cam-1',
  at: new Date().toISOString(),
  status: 'ok',
  width: 1280,
  height: 720,
};

describe('snapshot codec', () => {
  it('round-trips a 120 KB JPEG inside the 128 KB payload limit', () => {
    const jpeg = Buffer.alloc(MAX_SNAPSHOT_JPEG_BYTES, 7);
    const r = decodeSnapshot(encodeSnapshot(header, jpeg));
    expect(r.ok && r.value.header).toEqual(header);
    expect(r.ok && r.value.jpeg.equals(jpeg)).toBe(true);
  });
  it('refuses an oversize JPEG and names corrupt payloads', () => {
    expect(() => encodeSnapshot(header, Buffer.alloc(MAX_SNAPSHOT_JPEG_BYTES + 1))).toThrow(/over/);
    expect(decodeSnapshot(Buffer.from('hello world')).ok).toBe(false);
    const truncated = encodeSnapshot(header).subarray(0, 20);
    const r = decodeSnapshot(truncated);
    expect(!r.ok && r.error.message).toMatch(/runs past the end/);
  });
});

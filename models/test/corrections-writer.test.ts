import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCorrectionLine, writeLabelledSet, type CorrectionExportLine } from '../src/index.js';

const ID = '0190f0f0-0000-7000-8000-000000000001';
const line = (over: Partial<CorrectionExportLine> = {}): CorrectionExportLine => ({
  v: 1,
  id: ID,
  createdAt: '2026-11-25T09:00:00.000Z',
  deviceId: 'anchor-edge-1',
  cameraId: 'cam-1',
  slotId: 'slot-1',
  itemId: null,
  polygon: [
    [0, 0],
    [1, 0],
    [1, 1],
  ],
  label: { count: 2, fills: [1, 0.5] },
  model: { count: 1, fills: [0.9], confidence: 0.8, observationId: null, at: null },
  note: 'one behind the other',
  crop: null,
  cropMissing: 'the device is offline',
  ...over,
});

describe('the corrections export writer', () => {
  let dir: string;
  let jpeg: Buffer;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'corrections-'));
    jpeg = await sharp({ create: { width: 30, height: 40, channels: 3, background: '#884400' } })
      .jpeg()
      .toBuffer();
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes each crop and a COCO-style annotations.json with the true and the model counts', async () => {
    const withCrop = line({ crop: { jpegBase64: jpeg.toString('base64'), width: 30, height: 40, frameAt: null }, cropMissing: null });
    const other = line({ id: ID.replace(/1$/, '2') });
    const r = await writeLabelledSet([JSON.stringify(withCrop), '', JSON.stringify(other)], dir);
    expect(r).toEqual({ images: 1, withoutCrop: 1 });
    const coco = JSON.parse(await readFile(join(dir, 'annotations.json'), 'utf8'));
    expect(coco.images).toEqual([
      expect.objectContaining({
        file_name: `images/${ID}.jpg`,
        width: 30,
        height: 40,
        true_count: 2,
        true_fills: [1, 0.5],
        model_count: 1,
        model_fills: [0.9],
        slot_id: 'slot-1',
      }),
    ]);
    expect(coco.annotations).toEqual([]);
    expect(await readFile(join(dir, coco.images[0].file_name))).toEqual(jpeg);
  });

  it('names the line and the field of a bad export', () => {
    expect(() => parseCorrectionLine('{', 3)).toThrow('line 3: not JSON');
    expect(() => parseCorrectionLine(JSON.stringify(line({ label: { count: -1, fills: null } })), 4)).toThrow('line 4: label.count');
    expect(() => parseCorrectionLine(JSON.stringify(line({ label: { count: 2, fills: [1] } })), 5)).toThrow('line 5: label.fills');
    expect(() => parseCorrectionLine(JSON.stringify({ ...line(), v: 2 }), 6)).toThrow('export version 2');
  });
});

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCorrectionLine } from './format.js';

export interface WrittenSet {
  images: number;
  /** corrections stored without a crop (device offline): nothing to learn from */
  withoutCrop: number;
}

/**
 * Writes the labelled set train/ reads: images/<id>.jpg and a COCO-style
 * annotations.json whose images carry the slot-level labels (true count, true
 * fills when given) beside the model's answer. There are no bottle boxes: a
 * person corrects a count, not a box, so annotations stays empty.
 */
export async function writeLabelledSet(lines: AsyncIterable<string> | Iterable<string>, outDir: string): Promise<WrittenSet> {
  await mkdir(join(outDir, 'images'), { recursive: true });
  const images: Record<string, unknown>[] = [];
  let withoutCrop = 0;
  let n = 0;
  for await (const text of lines) {
    n++;
    if (!text.trim()) continue;
    const c = parseCorrectionLine(text, n);
    if (!c.crop) {
      withoutCrop++;
      continue;
    }
    const file = `images/${c.id}.jpg`;
    await writeFile(join(outDir, file), Buffer.from(c.crop.jpegBase64, 'base64'));
    images.push({
      id: images.length + 1,
      file_name: file,
      width: c.crop.width,
      height: c.crop.height,
      correction_id: c.id,
      device_id: c.deviceId,
      camera_id: c.cameraId,
      slot_id: c.slotId,
      true_count: c.label.count,
      true_fills: c.label.fills,
      model_count: c.model?.count ?? null,
      model_fills: c.model?.fills ?? null,
      model_confidence: c.model?.confidence ?? null,
      note: c.note,
    });
  }
  const coco = {
    info: { description: 'SmartStock slot corrections', version: 1, exported_at: new Date().toISOString() },
    categories: [{ id: 1, name: 'bottle' }],
    images,
    annotations: [],
  };
  await writeFile(join(outDir, 'annotations.json'), JSON.stringify(coco, null, 1));
  return { images: images.length, withoutCrop };
}

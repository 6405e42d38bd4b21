import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectFolder, type CocoResult } from '../src/index.js';
import { writeConstantYoloFolder } from './helpers/onnx-builder.js';

/**
 * Real-world folders and COCO files against a constant "detector" (64x64 input): one bottle at input
 * (cx 32, cy 32, 8 x 16), score 0.9. A 64x128 portrait (as shown) is letterboxed by 0.5 with 16 px
 * bands left and right, so its bottle is [24, 48, 16, 32] as shown; a 128x64 photo's is [56, 16, 16, 32].
 * One pass (tiles: null): the constant box, 16 px at the input, would make auto tile every photo and be found
 * again in each tile (auto tiles are auto-tiles.test.ts's).
 */
let dir: string;
let modelDir: string;

const SHOWN = [24, 48, 16, 32];
/** the same bottle in the stored bitmap of a portrait kept as 128x64 with EXIF orientation 6 (turn 90° clockwise to show) */
const STORED_6 = [48, 24, 32, 16];

async function photo(file: string, width: number, height: number, orientation?: number): Promise<void> {
  let img = sharp({ create: { width, height, channels: 3, background: '#456' } }).jpeg();
  if (orientation) img = img.withMetadata({ orientation });
  await writeFile(file, await img.toBuffer());
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'detect-real-'));
  modelDir = join(dir, 'model');
  await mkdir(modelDir);
  await writeConstantYoloFolder(modelDir, [[32, 32, 8, 16, 0.0, 0.9]]);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A 24-bit bottom-up BMP as Paint writes it (libvips reads none; detect does, bmp.ts). */
function bmp24(rgb: Buffer, width: number, height: number): Buffer {
  const stride = Math.ceil((width * 3) / 4) * 4;
  const out = Buffer.alloc(54 + stride * height);
  out.write('BM', 0, 'latin1');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(54, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(width, 18);
  out.writeInt32LE(height, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(24, 28);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const [s, d] = [(y * width + x) * 3, 54 + (height - 1 - y) * stride + x * 3];
      [out[d], out[d + 1], out[d + 2]] = [rgb[s + 2]!, rgb[s + 1]!, rgb[s]!];
    }
  return out;
}

const coco = async (name: string, body: unknown): Promise<string> => {
  const file = join(dir, name);
  await writeFile(file, typeof body === 'string' ? body : JSON.stringify(body));
  return file;
};

describe('EXIF-rotated phone photos: boxes in the frame the COCO file uses', () => {
  let photos: string;
  beforeAll(async () => {
    photos = join(dir, 'rotated');
    await mkdir(photos);
    await photo(join(photos, 'IMG_0001.JPG'), 128, 64, 6); // stored landscape, shown portrait
  });

  it('labels in the shown frame (CVAT, Roboflow, labelme; Label Studio with its stored width/height): boxes as shown', async () => {
    for (const size of [
      { width: 64, height: 128 },
      { width: 128, height: 64 }, // Label Studio's COCO export: stored size, shown boxes (label-studio#6608)
    ]) {
      const file = await coco('shown.json', {
        images: [{ id: 1, file_name: 'IMG_0001.JPG', ...size }],
        annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: SHOWN, iscrowd: 0 }],
        categories: [{ id: 1, name: 'bottle' }],
      });
      const r = await detectFolder({ folder: photos, out: join(dir, 'p.json'), modelDir, coco: file, tiles: null });
      expect(r.results.map((p) => p.bbox)).toEqual([SHOWN]);
      expect(r.score).toMatchObject({ ap50: 1, recall: 1, frame: { frame: 'shown' } });
    }
  });

  it('labels in the stored pixels (tools that ignore EXIF): boxes turned back into them', async () => {
    const file = await coco('stored.json', {
      images: [{ id: 1, file_name: 'IMG_0001.JPG', width: 128, height: 64 }],
      annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: STORED_6, iscrowd: 0 }],
      categories: [{ id: 1, name: 'bottle' }],
    });
    const log: string[] = [];
    const r = await detectFolder({ folder: photos, out: join(dir, 'p.json'), modelDir, coco: file, tiles: null }, (l) => log.push(l));
    expect(r.results.map((p) => p.bbox)).toEqual([STORED_6]);
    expect(r.score).toMatchObject({ ap50: 1, recall: 1, frame: { frame: 'stored' } });
    expect(log.join('\n')).toMatch(/1 labelled photo\(s\) carry an EXIF orientation: boxes written in the stored pixels/);
    // --exif overrides what the file seems to say
    const forced = await detectFolder({ folder: photos, out: join(dir, 'p.json'), modelDir, coco: file, exif: 'apply', tiles: null });
    expect(forced.results.map((p) => p.bbox)).toEqual([SHOWN]);
    expect(forced.score!.ap50).toBe(0);
  });

  it('a file made on smaller copies of the photos: boxes scaled to its width x height', async () => {
    const file = await coco('half.json', {
      images: [{ id: 1, file_name: 'IMG_0001.JPG', width: 32, height: 64 }],
      annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: SHOWN.map((v) => v / 2) }],
      categories: [{ id: 1, name: 'bottle' }],
    });
    const r = await detectFolder({ folder: photos, out: join(dir, 'p.json'), modelDir, coco: file, tiles: null });
    expect(r.results.map((p) => p.bbox)).toEqual([SHOWN.map((v) => v / 2)]);
    expect(r.score!.ap50).toBe(1);
  });
});

describe('image kinds and folders as people have them', () => {
  let photos: string;
  beforeAll(async () => {
    photos = join(dir, 'kinds');
    await mkdir(join(photos, 'bar 2', 'fridge'), { recursive: true });
    const base = (): ReturnType<typeof sharp> => sharp({ create: { width: 128, height: 64, channels: 3, background: '#456' } });
    await base().jpeg({ progressive: true }).toFile(join(photos, 'progressive.JPG'));
    await base().jpeg().toFile(join(photos, 'upper.JPEG'));
    await base().toColourspace('cmyk').jpeg().toFile(join(photos, 'cmyk.jpg'));
    await base().greyscale().jpeg().toFile(join(photos, 'grey.jpg'));
    await base().ensureAlpha(0.5).png().toFile(join(photos, 'alpha.png'));
    await base().toColourspace('rgb16').png().toFile(join(photos, 'deep16.png'));
    await base().png({ palette: true }).toFile(join(photos, 'palette.png'));
    await base().webp().toFile(join(photos, 'photo.webp'));
    await base().tiff().toFile(join(photos, 'scan.TIF'));
    await writeFile(join(photos, 'paint.bmp'), bmp24(await base().raw().toBuffer(), 128, 64));
    await base()
      .jpeg()
      .toFile(join(photos, 'bar 2', 'fridge', 'Flasche Größe 1.jpg'));
    const jpeg = await base().jpeg().toBuffer();
    await writeFile(join(photos, 'truncated.jpg'), jpeg.subarray(0, jpeg.length >> 1));
    await writeFile(join(photos, 'empty.jpg'), Buffer.alloc(0));
    await writeFile(join(photos, 'IMG_9.HEIC'), Buffer.from('\0\0\0\x18ftypheic\0\0\0\0mif1heic'));
    await writeFile(join(photos, 'readme.txt'), 'not a photo');
    await writeFile(join(photos, '.DS_Store'), 'finder');
  });

  it('reads every kind, subfolders too, and skips the unreadable by name', async () => {
    const log: string[] = [];
    const r = await detectFolder({ folder: photos, out: join(dir, 'k.json'), modelDir, tiles: null }, (l) => log.push(l));
    expect(r.skipped.map((s) => s.file)).toEqual(['IMG_9.HEIC', 'empty.jpg', 'truncated.jpg']);
    expect(r.skipped[0]!.reason).toMatch(/^HEIC\/HEIF \(HEVC\) photos cannot be decoded here: convert them to JPEG first/);
    expect(r.others).toEqual(['readme.txt']);
    expect(log.join('\n')).toMatch(/^skipped truncated\.jpg: .*premature end of JPEG/m);
    const written = JSON.parse(await readFile(join(dir, 'k.json'), 'utf8')) as CocoResult[];
    expect(written.map((p) => [p.file_name, p.bbox])).toEqual(
      [
        'alpha.png',
        'bar 2/fridge/Flasche Größe 1.jpg',
        'cmyk.jpg',
        'deep16.png',
        'grey.jpg',
        'paint.bmp',
        'palette.png',
        'photo.webp',
        'progressive.JPG',
        'scan.TIF',
        'upper.JPEG',
      ].map((f) => [f, [56, 16, 16, 32]]),
    );
  });
});

describe('COCO files as tools write them', () => {
  let photos: string;
  beforeAll(async () => {
    photos = join(dir, 'coco');
    await mkdir(join(photos, 'bar1'), { recursive: true });
    await mkdir(join(photos, 'bar2'));
    for (const f of ['bar1/IMG_1.jpg', 'bar2/IMG_1.jpg', 'neg.jpg', 'unlabelled.jpg', 'Café.jpg']) await photo(join(photos, f), 128, 64);
  });

  it('ids past 2^53, subfolder and base names, Bottles among other categories, crowd, segmentation-only, negatives, absent photos', async () => {
    // written as text: JSON.stringify would round the ids
    const file = await coco(
      'tools.json',
      `{"images": [
        {"id": 20190000000000000001, "file_name": "export/bar1/IMG_1.jpg", "width": 128, "height": 64},
        {"id": 20190000000000000002, "file_name": "C:\\\\labels\\\\bar2\\\\IMG_1.jpg", "width": 128, "height": 64},
        {"id": 20190000000000000003, "file_name": "images/neg.jpg", "width": 128, "height": 64},
        {"id": 20190000000000000004, "file_name": "Cafe\\u0301.jpg", "width": 128, "height": 64},
        {"id": 20190000000000000005, "file_name": "gone.jpg", "width": 128, "height": 64}],
      "categories": [{"id": 7, "name": "Bottles"}, {"id": 8, "name": "can"}, {"id": 9, "name": "bottle cap"}, {"id": 10, "name": "wine bottle"}],
      "annotations": [
        {"id": 1, "image_id": 20190000000000000001, "category_id": 7, "bbox": [56.0, 16.0, 16.0, 32.0], "iscrowd": 0},
        {"id": 2, "image_id": 20190000000000000001, "category_id": 8, "bbox": [0, 0, 10, 10]},
        {"id": 3, "image_id": 20190000000000000001, "category_id": 9, "bbox": [100, 0, 10, 10]},
        {"id": 4, "image_id": 20190000000000000002, "category_id": 10, "segmentation": [[56, 16, 72, 16, 72, 48, 56, 48]], "iscrowd": 0},
        {"id": 5, "image_id": 20190000000000000002, "category_id": 7, "bbox": [0, 0, 40, 64], "iscrowd": 1},
        {"id": 6, "image_id": 20190000000000000004, "category_id": 7, "bbox": [56, 16, 16, 32]},
        {"id": 7, "image_id": 20190000000000000005, "category_id": 7, "bbox": [56, 16, 16, 32]},
        {"id": 8, "image_id": 99, "category_id": 7, "bbox": [1, 1, 5, 5]}]}`,
    );
    const log: string[] = [];
    const out = join(dir, 'tools-preds.json');
    const r = await detectFolder({ folder: photos, out, modelDir, coco: file, tiles: null }, (l) => log.push(l));
    if (process.env.KEEP_DETECT_CASE)
      await Promise.all([
        writeFile(`${process.env.KEEP_DETECT_CASE}.gt.json`, await readFile(file)),
        writeFile(`${process.env.KEEP_DETECT_CASE}.dt.json`, await readFile(out)),
      ]);
    const text = log.join('\n');
    expect(text).toMatch(/taken as bottle: Bottles \(id 7\), wine bottle \(id 10\)/);
    expect(text).toMatch(/1 bottle label\(s\) name an image_id the file does not list/);
    expect(text).toMatch(/1 bottle label\(s\) have no bbox: boxed from their segmentation/);
    expect(text).toMatch(/1 image\(s\) of .*tools\.json are not in the folder: gone\.jpg/);
    expect(text).toMatch(/1 photo\(s\) have no entry in .*: not scored and not written .*unlabelled\.jpg/);
    // the ids exactly as the file has them, the category with the most labels: what pycocotools' loadRes matches
    const written = await readFile(out, 'utf8');
    expect(written.match(/"image_id":\d+/g)).toEqual([
      '"image_id":20190000000000000004',
      '"image_id":20190000000000000001',
      '"image_id":20190000000000000002',
      '"image_id":20190000000000000003',
    ]);
    expect(written.match(/"category_id":\d+/g)).toEqual(Array(4).fill('"category_id":7'));
    expect(r.results.map((p) => p.file_name)).toEqual(['Café.jpg', 'bar1/IMG_1.jpg', 'bar2/IMG_1.jpg', 'neg.jpg']);
    // three bottles found, one false alarm on the negative photo; all score 0.9, taken in COCOeval's order (its sorted
    // ids: ...01, 02, 03 the negative, 04). pycocotools 2.0.11 on this case (gone.jpg left out; iscrowd and area
    // added, wine bottle merged into Bottles, as it needs): AP50 0.915842, and 0.690594 with gone.jpg
    expect(r.score).toMatchObject({ images: 4, bottles: 3, recall: 1, precision: 0.75 });
    expect(r.score!.ap50).toBeCloseTo(0.915842, 6);
    // with the absent photo's bottle counted as missed, as pycocotools counts it
    expect(r.score!.withUnread).toMatchObject({ images: 1, bottles: 1, recall: 0.75 });
    expect(r.score!.withUnread!.ap50).toBeCloseTo(0.690594, 6);
  });
});

describe('a crowded photo', () => {
  it('is scored on its 100 best detections, as COCOeval (maxDets 100) scores the written results', async () => {
    // 120 bottles of 4x4 on a 64x64 photo (the input's own size: no letterbox), all found with exact boxes,
    // scores falling: pycocotools takes the 100 best, so recall stops at 100/120 and AP50 at 84 of 101 steps
    const crowdDir = join(dir, 'crowd-model');
    const photos = join(dir, 'crowd');
    await mkdir(crowdDir);
    await mkdir(photos);
    const n = 120;
    const boxes = Array.from({ length: n }, (_, k) => ({ x: (k % 12) * 5 + 1, y: Math.floor(k / 12) * 6 + 1, w: 4, h: 4 }));
    await writeConstantYoloFolder(
      crowdDir,
      boxes.map((b, i) => [b.x + 2, b.y + 2, 4, 4, 0, 0.99 - 0.001 * i]),
      'crowd',
    );
    await photo(join(photos, 'bar.jpg'), 64, 64);
    const file = await coco('crowd.json', {
      images: [{ id: 1, file_name: 'bar.jpg', width: 64, height: 64 }],
      annotations: boxes.map((b, i) => ({ id: i + 1, image_id: 1, category_id: 1, bbox: [b.x, b.y, b.w, b.h], iscrowd: 0 })),
      categories: [{ id: 1, name: 'bottle' }],
    });
    // one pass: the constant detector would see its 120 boxes again in every turned view (lying.test.ts tests that pass)
    const r = await detectFolder({
      folder: photos,
      out: join(dir, 'crowd.json.out'),
      modelDir: crowdDir,
      coco: file,
      threshold: 0.01,
      lying: false,
      tiles: null,
    });
    expect(r.results).toHaveLength(n); // all written: the cap is the scorer's, as in COCOeval
    expect(r.score!.ap50).toBeCloseTo(84 / 101, 9);
  });
});

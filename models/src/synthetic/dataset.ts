/** Writes a COCO-style training/evaluation set: JPEGs plus one annotations.json. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BOTTLE_KINDS } from './kinds.js';
import { renderScene } from './render.js';
import { makeScene, type Split } from './scene.js';

export interface CocoDatasetOptions {
  outDir: string;
  firstSeed: number;
  count: number;
  split: Split;
  width?: number;
  height?: number;
}

export async function writeCocoDataset(o: CocoDatasetOptions): Promise<void> {
  await mkdir(join(o.outDir, 'images'), { recursive: true });
  const images: unknown[] = [];
  const annotations: unknown[] = [];
  for (let i = 0; i < o.count; i++) {
    const seed = o.firstSeed + i;
    const r = await renderScene(makeScene({ seed, split: o.split, width: o.width ?? 640, height: o.height ?? 360 }));
    const file = `${o.split}-${seed}.jpg`;
    await writeFile(join(o.outDir, 'images', file), r.jpeg);
    images.push({ id: seed, file_name: `images/${file}`, width: r.width, height: r.height, seed, split: o.split });
    for (const b of r.bottles) {
      annotations.push({
        id: annotations.length + 1,
        image_id: seed,
        category_id: 1,
        bbox: b.box,
        area: b.box[2] * b.box[3],
        iscrowd: b.ignore ? 1 : 0,
        bottle_id: b.id,
        kind: b.kind,
        kind_id: BOTTLE_KINDS.findIndex((k) => k.name === b.kind),
        fill: b.fill,
        fill_observable: b.fillObservable,
        level_behind_label: b.levelBehindLabel,
        visible: b.visible,
        layer: b.layer,
      });
    }
  }
  const coco = {
    info: { description: 'SmartStock synthetic back bar', split: o.split, firstSeed: o.firstSeed, count: o.count },
    categories: [{ id: 1, name: 'bottle', supercategory: 'bottle' }],
    bottle_kinds: BOTTLE_KINDS.map((k) => k.name),
    images,
    annotations,
  };
  await writeFile(join(o.outDir, 'annotations.json'), JSON.stringify(coco));
}

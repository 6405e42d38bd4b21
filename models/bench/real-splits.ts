/**
 * The real photo splits eval:vision scores, none of them trained on, and how one is read: Beverage3 valid+test,
 * the held-out fifth of its train source photos, the held-out-SKU liquor composites, and the same never-trained
 * photos remade by a train/ script (shrunk into mosaics, turned). Photos are never committed; a split whose
 * folder is not written is left out, naming the command that writes it.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BottleVision } from '../src/index.js';
import type { ImageResult } from '../src/eval/metrics.js';

const CACHE = resolve(dirname(fileURLToPath(import.meta.url)), '..', '.cache');

interface Coco {
  images: { id: number; file_name: string; width: number; height: number; split?: string; source_stem?: string; group?: string }[];
  annotations: { image_id: number; category_id: number; bbox: [number, number, number, number] }[];
  categories: { id: number; name: string }[];
}

/**
 * A fifth of Beverage3's train source photos (with all their augmented copies), held out of the
 * YOLOX fine-tune (train/finetune_yolox.py, same rule): 150 bottle boxes, where valid + test hold 17.
 */
const heldOutSource = (stem: string): boolean => '012'.includes(createHash('sha256').update(stem).digest('hex')[0]!);
/**
 * The same never-trained photos (valid+test; held-out sources) remade by a train/ script, each kept under its
 * `group` in the folder's COCO file (photos never committed):
 *   shrunk: whole into 3x3, 4x4 and 6x6 mosaics of 640x640, nothing pasted, so their real bottles reach the
 *     detector at about 6-60 px (train/shrunk.py, run 9);
 *   lying: turned a quarter, so their bottles lie as in a crate or a wine rack (train/lying.py, run 15);
 *   tilted: turned 45°, as bottles lean in an ice bucket (train/lying.py --degrees 45; boxes around the turned
 *     boxes' corners, a little larger than the bottles).
 */
export const REMADE = {
  shrunk: { what: 'shrunk whole into 3x3-6x6 mosaics (nothing pasted)', script: 'shrunk.py' },
  lying: { what: 'turned a quarter (bottles lying)', script: 'lying.py' },
  tilted: { what: 'turned 45° (bottles tilted, as in an ice bucket)', script: 'lying.py --degrees 45' },
} as const;
type Remade = keyof typeof REMADE;
const GROUPS = ['valid+test', 'held-out sources'] as const;
type RemadeSplit = `${(typeof GROUPS)[number]} ${Remade}`;
export type RealSplit = 'valid+test' | 'held-out sources' | 'composites' | RemadeSplit;
const remadeDir = (kind: Remade): string => join(CACHE, kind);
export const remadeKind = (which: RealSplit): Remade | undefined =>
  (Object.keys(REMADE) as Remade[]).find((kind) => which.endsWith(` ${kind}`));
/** The remade splits whose folder is written, in table order; a missing folder is named with the command that writes it. */
export const REMADE_SPLITS: RemadeSplit[] = (Object.keys(REMADE) as Remade[]).flatMap((kind) => {
  if (existsSync(join(remadeDir(kind), 'annotations.json'))) return GROUPS.map((group): RemadeSplit => `${group} ${kind}`);
  const [script, ...flags] = REMADE[kind].script.split(' ');
  console.error(
    `(${remadeDir(kind)} missing: cd train && .venv/bin/python ${[script, '--write', `../.cache/${kind}`, ...flags].join(' ')})`,
  );
  return [];
});
const inSplit = (im: Coco['images'][number], which: RealSplit): boolean => {
  if (which === 'composites') return true;
  const kind = remadeKind(which);
  if (kind) return `${im.group} ${kind}` === which;
  return which === 'valid+test'
    ? im.split === 'valid' || im.split === 'test'
    : im.split === 'train' && heldOutSource(im.source_stem ?? im.file_name);
};
/**
 * Liquor close-ups of SKUs the fine-tune never pasted (id % 5 == 0), cut out and pasted 18-90 px tall on
 * 2x2 mosaics of Beverage3 valid+test: the fine-tune's own check set, written by
 * `cd train && .venv/bin/python finetune_yolox.py --write-composites ../.cache/composites` (photos never committed).
 */
const COMPOSITES = join(CACHE, 'composites');
export const HAS_COMPOSITES = existsSync(join(COMPOSITES, 'annotations.json'));
if (!HAS_COMPOSITES)
  console.error(`(${COMPOSITES} missing: cd train && .venv/bin/python finetune_yolox.py --write-composites ../.cache/composites)`);

/** Every real split whose photos are here, in table order (the Beverage3 photos themselves: hasReal). */
export const REAL_SPLITS: RealSplit[] = [
  'valid+test',
  'held-out sources',
  ...(HAS_COMPOSITES ? (['composites'] as const) : []),
  ...REMADE_SPLITS,
];

/** The table's short name of a real split. */
export function splitLabel(which: RealSplit): string {
  const base: Partial<Record<RealSplit, string>> = {
    'valid+test': 'Beverage3 valid+test',
    'held-out sources': 'held-out source photos',
    composites: 'held-out-SKU composites',
  };
  return base[which] ?? which;
}

/**
 * One real split through a detector: each photo's true bottle boxes (with their height at the detector's
 * `input` after one letterboxed pass) and its detections. `realDir`: the Beverage3 folder.
 */
export async function realSplit(
  vision: BottleVision,
  realDir: string,
  which: RealSplit,
  input: { width: number; height: number },
): Promise<ImageResult[]> {
  let dir = realDir;
  const kind = remadeKind(which);
  if (which === 'composites') dir = COMPOSITES;
  if (kind) dir = remadeDir(kind);
  const cocoFile = join(dir, dir === realDir ? 'annotations.coco.json' : 'annotations.json');
  const coco = JSON.parse(await readFile(cocoFile, 'utf8')) as Coco;
  const bottle = coco.categories.find((c) => c.name === 'bottle')?.id;
  const out: ImageResult[] = [];
  for (const im of coco.images.filter((i) => inSplit(i, which))) {
    const a = await vision.analyze(await readFile(join(dir, im.file_name)));
    // one letterboxed pass shrinks the photo by this much: what "a 20 px bottle" means to the network
    const toInput = Math.min(input.width / im.width, input.height / im.height);
    const truth = coco.annotations
      .filter((x) => x.image_id === im.id && x.category_id === bottle)
      .map((x) => ({ x: x.bbox[0], y: x.bbox[1], w: x.bbox[2], h: x.bbox[3], hAtInput: x.bbox[3] * toInput }));
    out.push({ truth, preds: a.bottles.map((d) => ({ ...d.box, score: d.score, fill: d.fill })) });
  }
  return out;
}

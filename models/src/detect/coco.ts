/**
 * A user's COCO annotations file, as real tools write it: ids that are numbers, strings or integers past
 * 2^53 (kept digit for digit: pycocotools' loadRes matches the results' image_id exactly), categories named
 * "bottle", "Bottle", "bottles" or "wine bottle" among others, iscrowd and ignore, boxes as floats or only
 * a segmentation (polygon or RLE), images without labels (negatives) and labels of images not listed.
 */
import { readFile } from 'node:fs/promises';
import type { Box } from './orientation.js';

export class CocoFileError extends Error {}

export interface CocoImage {
  /** the id exactly as the file spells it, as JSON (a number's digits, or a quoted string) */
  idJson: string;
  fileName: string;
  width?: number;
  height?: number;
  boxes: (Box & { crowd: boolean; ignore: boolean })[];
}

export interface CocoTruth {
  images: CocoImage[];
  /** names of the categories taken as bottle (every category when none is named so) */
  bottleCategories: string[];
  /** every category was taken, none being named bottle */
  allCategories: boolean;
  /** the results' category_id: the bottle category with the most labels, as the file spells it */
  categoryIdJson: string;
  /** what was left out, for the log */
  notes: string[];
}

const BIG = '\u0000bigint:';

/**
 * JSON.parse, but integers past Number.MAX_SAFE_INTEGER come back as marked strings with all their digits
 * (JSON.parse would round 20190000000000001 and 20190000000000002 to one number).
 */
export function parseJsonKeepingBigInts(text: string): unknown {
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '-' || (c >= '0' && c <= '9')) {
      let j = i + 1;
      while (j < text.length && /[0-9eE.+-]/.test(text[j]!)) j++;
      const token = text.slice(i, j);
      if (/^-?\d{16,}$/.test(token) && !Number.isSafeInteger(Number(token))) {
        out += `${text.slice(last, i)}"\\u0000bigint:${token}"`; // the escape, as JSON text: a raw NUL is not allowed in a string
        last = j;
      }
      i = j - 1;
    }
  }
  return JSON.parse(out + text.slice(last));
}

/** An id as JSON text, exactly as the file has it; null when it is no id (absent, an object...). */
function idJson(v: unknown): string | null {
  if (typeof v === 'string') return v.startsWith(BIG) ? v.slice(BIG.length) : JSON.stringify(v);
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

/**
 * "bottle", "Bottles", "wine bottle", "beer_bottle": the last word is bottle(s). Not "bottle cap" or
 * "bottle opener" (another thing that belongs to a bottle).
 */
export function isBottleName(name: unknown): boolean {
  if (typeof name !== 'string') return false;
  const words = name
    .toLowerCase()
    .split(/[\s_\-./]+/)
    .filter(Boolean);
  return words.length > 0 && /^bottles?$/.test(words[words.length - 1]!);
}

/** A box from a segmentation: polygons ([[x, y, ...]]) or RLE ({ size: [h, w], counts }); null when empty. */
export function segmentationBox(seg: unknown): Box | null {
  if (Array.isArray(seg)) {
    const xs: number[] = [];
    const ys: number[] = [];
    const flat = seg.flat() as unknown[];
    if (!flat.every((v): v is number => typeof v === 'number')) return null;
    for (let i = 0; i + 1 < flat.length; i += 2) {
      xs.push(flat[i]!);
      ys.push(flat[i + 1]!);
    }
    if (xs.length === 0) return null;
    const [x0, y0] = [Math.min(...xs), Math.min(...ys)];
    return { x: x0, y: y0, w: Math.max(...xs) - x0, h: Math.max(...ys) - y0 };
  }
  const rle = seg as { size?: unknown; counts?: unknown } | null;
  if (!rle || !Array.isArray(rle.size) || rle.size.length !== 2) return null;
  const h = Number(rle.size[0]);
  const counts = typeof rle.counts === 'string' ? rleStringCounts(rle.counts) : Array.isArray(rle.counts) ? (rle.counts as number[]) : null;
  if (!counts || !(h > 0)) return null;
  // runs alternate background / object, column-major (pycocotools' order)
  let at = 0;
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  counts.forEach((n, k) => {
    if (k % 2 === 1 && n > 0) {
      const [first, lastPx] = [at, at + n - 1];
      const [cx0, cx1] = [Math.floor(first / h), Math.floor(lastPx / h)];
      x0 = Math.min(x0, cx0);
      x1 = Math.max(x1, cx1);
      // a run that wraps into the next column covers that column's top and the first one's bottom
      y0 = Math.min(y0, cx0 === cx1 ? first % h : 0);
      y1 = Math.max(y1, cx0 === cx1 ? lastPx % h : h - 1);
    }
    at += n;
  });
  return x1 < x0 ? null : { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
}

/** pycocotools' compressed RLE string (rleFrString): 5 bits a character, differences from the run two back. */
function rleStringCounts(s: string): number[] {
  const counts: number[] = [];
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let k = 0;
    let more = 1;
    while (more) {
      const c = s.charCodeAt(p) - 48;
      x |= (c & 0x1f) << (5 * k);
      more = c & 0x20;
      p++;
      k++;
      if (!more && c & 0x10) x |= -1 << (5 * k);
    }
    if (counts.length > 2) x += counts[counts.length - 2]!;
    counts.push(x);
  }
  return counts;
}

interface RawFile {
  images?: unknown;
  annotations?: unknown;
  categories?: unknown;
}

export async function readCoco(file: string): Promise<CocoTruth> {
  let coco: RawFile;
  try {
    coco = parseJsonKeepingBigInts(await readFile(file, 'utf8')) as RawFile;
  } catch (e) {
    throw new CocoFileError(`cannot read the COCO file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!coco || !Array.isArray(coco.images) || !Array.isArray(coco.annotations))
    throw new CocoFileError(`${file} is not a COCO annotations file (no images or annotations list)`);
  const notes: string[] = [];
  const categories = (Array.isArray(coco.categories) ? coco.categories : []) as { id?: unknown; name?: unknown }[];
  const named = categories.filter((c) => isBottleName(c.name) && idJson(c.id) !== null);
  const allCategories = named.length === 0;
  const taken = new Set((allCategories ? categories : named).map((c) => idJson(c.id)));
  const images = new Map<string, CocoImage>();
  let unnamed = 0;
  for (const im of coco.images as { id?: unknown; file_name?: unknown; width?: unknown; height?: unknown }[]) {
    const id = idJson(im?.id);
    if (id === null || typeof im.file_name !== 'string' || im.file_name === '') {
      unnamed++;
      continue;
    }
    const size = (v: unknown): number | undefined => (typeof v === 'number' && v > 0 ? v : undefined);
    images.set(id, { idJson: id, fileName: im.file_name, width: size(im.width), height: size(im.height), boxes: [] });
  }
  if (unnamed) notes.push(`${unnamed} image entr${unnamed === 1 ? 'y has' : 'ies have'} no id or file_name: left out`);
  const perCategory = new Map<string, number>();
  let orphans = 0;
  let boxless = 0;
  let fromSegmentation = 0;
  for (const a of coco.annotations as Record<string, unknown>[]) {
    const cat = idJson(a?.category_id);
    if (cat === null || (!allCategories && !taken.has(cat))) continue;
    const im = images.get(idJson(a.image_id) ?? '');
    if (!im) {
      orphans++;
      continue;
    }
    let box: Box | null = null;
    const bb = a.bbox;
    if (Array.isArray(bb) && bb.length === 4 && bb.every((v) => typeof v === 'number' && Number.isFinite(v)))
      box = { x: bb[0] as number, y: bb[1] as number, w: bb[2] as number, h: bb[3] as number };
    else if ((box = segmentationBox(a.segmentation))) fromSegmentation++;
    if (!box || !(box.w > 0 && box.h > 0)) {
      boxless++;
      continue;
    }
    perCategory.set(cat, (perCategory.get(cat) ?? 0) + 1);
    const truthy = (v: unknown): boolean => v === true || v === 1;
    im.boxes.push({ ...box, crowd: truthy(a.iscrowd), ignore: truthy(a.iscrowd) || truthy(a.ignore) });
  }
  if (orphans) notes.push(`${orphans} bottle label(s) name an image_id the file does not list: left out`);
  if (boxless) notes.push(`${boxless} bottle label(s) have no usable bbox or segmentation (or an empty one): left out`);
  if (fromSegmentation) notes.push(`${fromSegmentation} bottle label(s) have no bbox: boxed from their segmentation`);
  const byUse = [...perCategory.entries()].sort((p, q) => q[1] - p[1]);
  const categoryIdJson = byUse[0]?.[0] ?? [...taken][0] ?? '1';
  return {
    images: [...images.values()],
    bottleCategories: (allCategories ? categories : named).map((c) => `${String(c.name)} (id ${idJson(c.id)})`),
    allCategories,
    categoryIdJson,
    notes,
  };
}

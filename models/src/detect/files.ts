/**
 * The photos of a folder, subfolders included, and which of them a COCO file's file_name means. Real
 * folders hold IMG_0001.JPG beside IMG_0001.jpeg, files in per-bar subfolders, names with spaces or
 * accents (macOS writes them decomposed, a JSON file composed), HEIC from iPhones, .DS_Store and notes.
 */
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';

/** What sharp decodes here, and BMP (bmp.ts). HEIC/HEIF are listed to be refused by name: this libvips has no HEVC. */
export const IMAGE_EXT = new Set([
  '.jpg',
  '.jpeg',
  '.jpe',
  '.jfif',
  '.png',
  '.webp',
  '.bmp',
  '.tif',
  '.tiff',
  '.gif',
  '.avif',
  '.heic',
  '.heif',
]);

export interface FolderListing {
  /** image paths relative to the folder, '/'-separated, sorted */
  images: string[];
  /** other files (relative paths), not read */
  others: string[];
}

/** Every file under `folder` by extension (case-insensitive); hidden files and folders (.DS_Store, ._IMG_1.JPG, .git) are passed over. */
export async function listFolder(folder: string): Promise<FolderListing> {
  const images: string[] = [];
  const others: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const e of await readdir(join(folder, rel), { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const path = rel ? `${rel}/${e.name}` : e.name;
      const isDir =
        e.isDirectory() ||
        (e.isSymbolicLink() &&
          (await stat(join(folder, path)).then(
            (s) => s.isDirectory(),
            () => false,
          )));
      if (isDir) await walk(path);
      else (IMAGE_EXT.has(extname(e.name).toLowerCase()) ? images : others).push(path);
    }
  };
  await walk('');
  const order = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return { images: images.sort(order), others: others.sort(order) };
}

const norm = (p: string): string =>
  p
    .normalize('NFC')
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '');
const safeDecode = (p: string): string => {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
};
const base = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/**
 * The name a tool gave a photo back to the photo's own: Roboflow exports IMG_1_JPG.rf.<hash>.jpg, Label Studio
 * uploads prefix 8 hex digits and a dash (1a2b3c4d-IMG_1.JPG). Null when the name is neither.
 */
export function originalName(name: string): string | null {
  const rf = /^(.+)_([A-Za-z0-9]{2,5})\.rf\.[0-9a-f]{32}\.[A-Za-z0-9]+$/.exec(name);
  if (rf) return `${rf[1]}.${rf[2]}`;
  const ls = /^[0-9a-f]{8}-(.+)$/.exec(name);
  return ls ? ls[1]! : null;
}

/**
 * Matches a file_name to a photo of the folder: the same relative path; else the same base name, where
 * several share it the one with the longest common path tail (a URL's %20 decoded); else the base name ignoring case; else the
 * name before Roboflow or Label Studio renamed it. Null when none, or when the match is not unique.
 */
export function matcher(images: readonly string[]): (fileName: string) => { path: string; loose: boolean } | null {
  const byPath = new Map(images.map((p) => [norm(p), p]));
  const byBase = new Map<string, string[]>();
  const byLower = new Map<string, string[]>();
  for (const p of images) {
    const b = base(norm(p));
    byBase.set(b, [...(byBase.get(b) ?? []), p]);
    byLower.set(b.toLowerCase(), [...(byLower.get(b.toLowerCase()) ?? []), p]);
  }
  const tail = (a: string, b: string): number => {
    const [x, y] = [a.split('/').reverse(), b.split('/').reverse()];
    let n = 0;
    while (n < x.length && n < y.length && x[n] === y[n]) n++;
    return n;
  };
  const pick = (name: string, list: string[] | undefined): string | null => {
    if (!list || list.length === 0) return null;
    if (list.length === 1) return list[0]!;
    const scored = list.map((p) => ({ p, n: tail(norm(p), name) })).sort((a, b) => b.n - a.n);
    return scored[0]!.n > scored[1]!.n ? scored[0]!.p : null;
  };
  return (fileName) => {
    // Label Studio's paths are URLs: /data/upload/3/1a2b3c4d-IMG%20001.jpg
    const name = norm(/%[0-9A-Fa-f]{2}/.test(fileName) && !byPath.has(norm(fileName)) ? safeDecode(fileName) : fileName);
    const exact = byPath.get(name) ?? pick(name, byBase.get(base(name)));
    if (exact) return { path: exact, loose: false };
    const b = base(name);
    const loose = pick(name, byLower.get(b.toLowerCase())) ?? pick(name, byLower.get((originalName(b) ?? '').toLowerCase()));
    return loose ? { path: loose, loose: true } : null;
  };
}

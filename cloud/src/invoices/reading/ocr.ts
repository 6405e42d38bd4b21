import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { createWorker, PSM, type Worker } from 'tesseract.js';
import type { Word } from './words.js';

const require = createRequire(import.meta.url);
/** English data from the npm package's own folder: no download, the cloud may run without internet. */
const LANG_PATH = join(dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');

/**
 * Tesseract in a worker thread, started on first use and kept (starting costs seconds); pages are read one at a time.
 */
export class Ocr {
  private worker: Promise<Worker> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  /** The words of a photo or scanned page, each placed on the text line tesseract found it in (that copes with skew). */
  read(image: Buffer, page = 1): Promise<Word[]> {
    const run = this.queue.then(() => this.recognize(image, page));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async stop(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await (await w).terminate();
  }

  private start(): Promise<Worker> {
    this.worker ??= (async () => {
      const w = await createWorker('eng', 1, { langPath: LANG_PATH, gzip: true, cacheMethod: 'none' });
      // one block: a table's columns stay on their rows instead of being read as separate blocks
      await w.setParameters({ tessedit_pageseg_mode: PSM.SINGLE_BLOCK, preserve_interword_spaces: '1' });
      return w;
    })();
    return this.worker;
  }

  private async recognize(image: Buffer, page: number): Promise<Word[]> {
    const meta = await sharp(image).metadata();
    // tesseract reads best at ~300 dpi: a phone photo is scaled so an A4 page is about 2000 px wide
    const width = Math.min(2400, Math.max(1600, meta.width ?? 1600));
    const clean = await flatten(image, width);
    const w = await this.start();
    // a photo is rarely square to the page: 1.5° across a table's width drops its right end a whole row, and one-block
    // segmentation then reads a header or a row's figures into the row above. Tesseract measures the skew from its
    // own layout analysis and straightens the page before reading it
    const { data } = await w.recognize(clean, { rotateAuto: true }, { blocks: true, text: false });
    const words: Word[] = [];
    for (const block of data.blocks ?? [])
      for (const paragraph of block.paragraphs)
        for (const textLine of paragraph.lines) {
          const mid = (textLine.bbox.y0 + textLine.bbox.y1) / 2;
          for (const wd of textLine.words) {
            if (wd.confidence < 20 || !wd.text.trim()) continue;
            const h = wd.bbox.y1 - wd.bbox.y0;
            words.push({ text: wd.text, x: wd.bbox.x0, y: mid - h / 2, w: wd.bbox.x1 - wd.bbox.x0, h, page });
          }
        }
    return words;
  }
}

/** where the old hard threshold sat: darker than 72% of the paper is ink */
const INK_EDGE = 0.72;
/** wide enough to keep edges grey, narrow enough that sensor noise (a few % of the paper's brightness) clips to white */
const RAMP_WIDTH = 0.3;

/** Brightness relative to the paper (1 = paper) → grey level: darker than ~0.57 black, lighter than ~0.87 white, a ramp between. */
export function ramp(relative: number): number {
  return Math.max(0, Math.min(255, Math.round(((relative - INK_EDGE) / RAMP_WIDTH + 0.5) * 255)));
}

/**
 * Black text on white whatever the light: each pixel is divided by the page's local brightness (a heavy
 * blur of a small copy), which lifts shadows, then mapped through a steep ramp rather than a hard threshold.
 * Paper and its sensor noise clip to white (noise would cost tesseract many times the time), ink clips to
 * black, and a stroke's edge keeps its grey: tesseract's LSTM reads those edges, and thin strokes of small
 * print (a 0 against a 6 or 8 in 8-point Courier) survive, where thresholding or a median filter closes them.
 */
async function flatten(image: Buffer, width: number): Promise<Buffer> {
  const grey = sharp(image).rotate().resize({ width }).greyscale();
  const { data, info } = await grey.clone().raw().toBuffer({ resolveWithObject: true });
  const small = Math.max(8, Math.round(info.width / 16));
  const bg = await sharp(data, { raw: { width: info.width, height: info.height, channels: 1 } })
    .resize({ width: small })
    .blur(3)
    .resize({ width: info.width, height: info.height, kernel: 'cubic' })
    .raw()
    .toBuffer();
  const out = Buffer.alloc(data.length);
  for (let i = 0; i < data.length; i++) out[i] = ramp(data[i]! / (bg[i] || 255));
  return sharp(out, { raw: { width: info.width, height: info.height, channels: 1 } })
    .png()
    .toBuffer();
}

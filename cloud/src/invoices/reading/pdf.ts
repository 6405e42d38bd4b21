import { extractImages, getDocumentProxy } from 'unpdf';
import sharp from 'sharp';
import { AppError } from '../../errors.js';
import type { Word } from './words.js';

/** More pages than any delivery invoice has: refused before a job spends minutes on it. */
export const MAX_PAGES = 20;

export interface PdfPages {
  pages: number;
  /** the text layer's words per page (empty for a scan) */
  words: Word[];
  /** a page without a text layer, as the largest image on it (PNG) for OCR */
  scans: { page: number; png: Buffer }[];
}

type Proxy = Awaited<ReturnType<typeof getDocumentProxy>>;

async function open(pdf: Buffer): Promise<Proxy> {
  try {
    return await getDocumentProxy(new Uint8Array(pdf));
  } catch (e) {
    throw new AppError(400, 'unreadable_file', `the PDF cannot be read: ${(e as Error).message}`, 'file');
  }
}

/** The page count, refusing a PDF that cannot be read or has too many pages. */
export async function pdfPageCount(pdf: Buffer): Promise<number> {
  const doc = await open(pdf);
  try {
    if (doc.numPages > MAX_PAGES)
      throw new AppError(400, 'too_many_pages', `the PDF has ${doc.numPages} pages; an invoice may have at most ${MAX_PAGES}`, 'file');
    return doc.numPages;
  } finally {
    await doc.cleanup();
  }
}

/** Each page's own text when it has one, else its picture for OCR; a page with neither is an error. */
export async function readPdf(pdf: Buffer): Promise<PdfPages> {
  const doc = await open(pdf);
  try {
    const out: PdfPages = { pages: doc.numPages, words: [], scans: [] };
    if (doc.numPages > MAX_PAGES)
      throw new AppError(400, 'too_many_pages', `the PDF has ${doc.numPages} pages; an invoice may have at most ${MAX_PAGES}`, 'file');
    for (let pageNumber = 1; pageNumber <= doc.numPages; pageNumber++) {
      const page = await doc.getPage(pageNumber);
      const height = page.getViewport({ scale: 1 }).height;
      const content = await page.getTextContent();
      const words: Word[] = [];
      for (const it of content.items) {
        if (!('str' in it) || !it.str.trim()) continue;
        const h = it.height || Math.abs(it.transform[3] as number) || 10;
        words.push({
          text: it.str,
          x: it.transform[4] as number,
          y: height - (it.transform[5] as number) - h,
          w: it.width,
          h,
          page: pageNumber,
        });
      }
      if (words.reduce((n, w) => n + w.text.trim().length, 0) >= 20) {
        out.words.push(...words);
        continue;
      }
      const images = await extractImages(doc, pageNumber);
      const big = images.sort((a, b) => b.width * b.height - a.width * a.height)[0];
      if (!big || big.width < 200 || big.height < 200) continue;
      const png = await sharp(Buffer.from(big.data), { raw: { width: big.width, height: big.height, channels: big.channels } })
        .png()
        .toBuffer();
      out.scans.push({ page: pageNumber, png });
    }
    if (!out.words.length && !out.scans.length)
      throw new AppError(
        422,
        'no_content',
        'the PDF has no text and no scanned image to read: export it again, or photograph the invoice',
        'file',
      );
    return out;
  } finally {
    await doc.cleanup();
  }
}

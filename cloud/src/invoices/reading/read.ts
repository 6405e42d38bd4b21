import sharp from 'sharp';
import { AppError } from '../../errors.js';
import type { Ocr } from './ocr.js';
import { readPdf } from './pdf.js';
import type { Word } from './words.js';

export type InvoiceFile = 'pdf' | 'jpg' | 'png';

/** What an upload is, by its first bytes; anything else is refused. */
export function fileKind(body: Buffer): InvoiceFile {
  if (body.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  if (body[0] === 0xff && body[1] === 0xd8) return 'jpg';
  if (body.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]))) return 'png';
  throw new AppError(400, 'unsupported_file', `expected a PDF, or a JPEG or PNG photo; got ${body.length} bytes of something else`, 'file');
}

/** A photo's size, refusing one that does not decode or is too small to hold readable text. */
export async function checkPhoto(body: Buffer): Promise<void> {
  const meta = await sharp(body)
    .metadata()
    .catch((e: unknown) => {
      throw new AppError(400, 'unreadable_file', `the photo cannot be read: ${(e as Error).message}`, 'file');
    });
  if (!meta.width || !meta.height || meta.width * meta.height < 300 * 300)
    throw new AppError(
      400,
      'unreadable_file',
      `the photo is ${meta.width}×${meta.height} pixels: too small to read an invoice from`,
      'file',
    );
}

export interface ReadPages {
  words: Word[];
  pages: number;
  /** text: the PDF's own text layer; ocr: read from pixels (photo or scanned pages); mixed: both */
  source: 'text' | 'ocr' | 'mixed';
}

/** The words of every page: a PDF's text layer where it has one, OCR for photos and scanned pages. */
export async function readInvoice(body: Buffer, kind: InvoiceFile, ocr: Ocr): Promise<ReadPages> {
  if (kind !== 'pdf') return { words: await ocr.read(body, 1), pages: 1, source: 'ocr' };
  const pdf = await readPdf(body);
  const words = [...pdf.words];
  for (const scan of pdf.scans) {
    // OCR words are in pixels; the row grouping only compares them with words on their own page
    words.push(...(await ocr.read(scan.png, scan.page)));
  }
  return { words, pages: pdf.pages, source: !pdf.scans.length ? 'text' : pdf.words.length ? 'mixed' : 'ocr' };
}

import { afterAll, describe, expect, it } from 'vitest';
import { rng } from '../../bench/invoices/catalogue.js';
import { invoice, LAYOUTS } from '../../bench/invoices/layouts.js';
import { scannedPdf, scannedPhoto, textPdf } from '../../bench/invoices/render.js';
import { score } from '../../bench/invoices/score.js';
import { Ocr } from '../../src/invoices/reading/ocr.js';
import { findSupplier, parseInvoice } from '../../src/invoices/reading/parse.js';
import { readInvoice } from '../../src/invoices/reading/read.js';
import { ItemMatcher } from '../../src/invoices/reading/match.js';
import { CATALOGUE } from '../../bench/invoices/catalogue.js';

const known = LAYOUTS.slice(0, 3).map((l) => ({ name: l.supplier }));
const matcher = new ItemMatcher(CATALOGUE.map((c) => ({ itemId: c.key, name: c.name })));

/** The reader on generated invoices: every layout as a text PDF, and one photographed page through OCR. */
describe('reading invoices', () => {
  const ocr = new Ocr();
  afterAll(() => ocr.stop());

  it('reads every line, the number, the date and the supplier of text PDFs in each layout, over several pages', async () => {
    const r = rng(11);
    for (const layout of LAYOUTS) {
      const { truth, pages } = invoice(layout, r, 25);
      const read = await readInvoice(await textPdf(pages), 'pdf', ocr);
      expect(read.source).toBe('text');
      const parsed = parseInvoice(read.words);
      const lines = parsed.lines.map((l) => ({ ...l, itemId: matcher.match(l).itemId }));
      const supplier = findSupplier(parsed.heading, known)?.name ?? null;
      const s = score(truth, { ...parsed, supplier, lines }, known.some((k) => k.name === truth.supplier) ? truth.supplier : null);
      expect({ layout: layout.supplier, ...s }).toEqual({
        layout: layout.supplier,
        tp: truth.lines.length,
        predicted: truth.lines.length,
        truth: truth.lines.length,
        itemsRight: truth.lines.length,
        supplier: 1,
        number: 1,
        date: 1,
      });
      expect(read.pages).toBe(pages.length);
    }
  });

  it('reads a photographed invoice with OCR, and the same photo as a scanner PDF with no text layer', async () => {
    const r = rng(5);
    const { truth, pages } = invoice(LAYOUTS[0]!, r, 10);
    const photo = await scannedPhoto(pages[0]!, r);
    const fromPhoto = parseInvoice((await readInvoice(photo, 'jpg', ocr)).words);
    const s = score(truth, { ...fromPhoto, supplier: null, lines: fromPhoto.lines.map((l) => ({ ...l, itemId: null })) }, null);
    // OCR may misread a digit; most lines must come through exactly
    expect(s.tp / s.truth).toBeGreaterThanOrEqual(0.8);
    expect(s.tp / s.predicted).toBeGreaterThanOrEqual(0.8);
    expect(findSupplier(fromPhoto.heading, known)?.name).toBe(truth.supplier);
    const scanned = await readInvoice(await scannedPdf(photo), 'pdf', ocr);
    expect(scanned.source).toBe('ocr');
    expect(parseInvoice(scanned.words).lines.length).toBeGreaterThanOrEqual(Math.ceil(truth.lines.length * 0.8));
  }, 120_000);
});

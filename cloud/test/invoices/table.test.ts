import { describe, expect, it } from 'vitest';
import { makesTotal, numberOf, tableLines } from '../../src/invoices/reading/table.js';
import { ramp } from '../../src/invoices/reading/ocr.js';
import type { Row } from '../../src/invoices/reading/words.js';

/** A row from [text, left, right] cells, the way rowsOf builds one from word boxes. */
const row = (...cells: [string, number, number][]): Row => ({
  page: 1,
  y: 0,
  cells: cells.map(([text, x0, x1]) => ({ text, x0, x1 })),
  text: cells.map((c) => c[0]).join('  '),
});

/** The parsing rules that repair what OCR misreads in a scanned invoice's table. */
describe('reading a table read by OCR', () => {
  it("reads OCR's @ for a zero among digits, and leaves a word with an @ alone", () => {
    expect(numberOf('23@.54')).toBe(230.54);
    expect(numberOf('1,@52.10')).toBe(1052.1);
    expect(numberOf('info@bevco.com')).toBeNull();
  });

  it('takes quantity × price for the total only within the price’s rounding, not within a percentage', () => {
    expect(makesTotal(12, 146.01, 1752.12)).toBe(true);
    // a price printed to the cent from 0.3333: 3 × 0.33 = 0.99 against a total of 1.00
    expect(makesTotal(3, 0.33, 1)).toBe(true);
    // one digit misread: 12 × 146.981 = 1,763.77, 0.7% from the total
    expect(makesTotal(12, 146.981, 1752.12)).toBe(false);
    expect(makesTotal(5, 69.83, 348.15)).toBe(false);
  });

  it('repairs a misread price from the total when the columns do not add up', () => {
    const { lines } = tableLines([
      row(['Qty', 136, 190], ['Product', 218, 330], ['Code', 925, 990], ['Rate', 1230, 1290], ['Net Amount', 1418, 1560]),
      row(
        ['12', 151, 180],
        ['Martini Rosso Sweet Vermouth 1L', 218, 600],
        ['HW62223', 927, 1030],
        ['146.981', 1208, 1300],
        ['1,752.12', 1446, 1560],
      ),
    ]);
    expect(lines).toEqual([
      { description: 'Martini Rosso Sweet Vermouth 1L', supplierCode: 'HW62223', quantity: 12, unitPrice: 146.01, total: 1752.12 },
    ]);
  });

  it('repairs a misread quantity when the price and the total agree on another whole number', () => {
    const header = row(['Description', 40, 200], ['Cases', 360, 390], ['Price Each', 430, 470], ['Line Total', 520, 560]);
    const { lines } = tableLines([
      header,
      row(['La Marca Prosecco DOC 750ml', 40, 220], ['1', 380, 390], ['$50.84', 430, 470], ['$559.24', 520, 560]),
      // a quantity of one: every total divides by it, so the agreement of price and total decides
      row(['Campari Bitter 1L', 40, 220], ['7', 380, 390], ['$80.66', 430, 470], ['$403.30', 520, 560]),
    ]);
    expect(lines.map((l) => [l.quantity, l.unitPrice, l.total])).toEqual([
      [11, 50.84, 559.24],
      [5, 80.66, 403.3],
    ]);
  });

  it('repairs a misread price, not the quantity, when that changes fewer printed characters', () => {
    const header = row(['Description', 40, 200], ['Qty', 360, 390], ['Unit Price', 430, 470], ['Amount', 520, 560]);
    const { lines } = tableLines([
      header,
      // 61.50 with its 6 read as £: 184.50 / 1.50 is a whole 123, but 3 → 123 changes two characters, 1.50 → 61.50 one
      row(['APEROL APERITIVO 1L', 40, 220], ['3', 380, 390], ['£1.50', 430, 470], ['184.50', 520, 560]),
    ]);
    expect(lines.map((l) => [l.quantity, l.unitPrice, l.total])).toEqual([[3, 61.5, 184.5]]);
  });

  it('does not take a figure under a title it does not know (a pack size) for the quantity beside it', () => {
    const { lines } = tableLines([
      row(['Description', 40, 200], ['Pack', 300, 340], ['Qty', 360, 390], ['Price', 430, 470], ['Total', 520, 560]),
      row(['Aperol Aperitivo 1L', 40, 220], ['6', 320, 330], ['2', 375, 385], ['20.00', 430, 470], ['40.00', 520, 560]),
    ]);
    expect(lines).toEqual([{ description: 'Aperol Aperitivo 1L', supplierCode: null, quantity: 2, unitPrice: 20, total: 40 }]);
  });
});

describe('cleaning a photo for OCR', () => {
  it('turns paper and its noise white and ink black, and keeps a stroke’s edge grey', () => {
    expect(ramp(1)).toBe(255);
    expect(ramp(0.92)).toBe(255);
    expect(ramp(0.3)).toBe(0);
    const edge = ramp(0.72);
    expect(edge).toBeGreaterThan(60);
    expect(edge).toBeLessThan(200);
  });
});

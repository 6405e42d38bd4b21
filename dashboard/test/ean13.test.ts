// The test helper that draws EAN-13 symbols for the fake camera, checked against known codes
// and read back by zxing (the reader the dashboard falls back to), so a scan test that fails
// points at the app, not at the drawing.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import { DEMO_ITEMS } from '@smartstock/cloud';
import { drawEan13, ean13CheckDigit, ean13Modules, type GrayFrame } from './support/ean13';

// in Node the module cannot fetch its .wasm by URL, so it is handed the bytes
prepareZXingModule({
  overrides: { wasmBinary: readFileSync(createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm')).buffer },
} as never);

const read = async (f: GrayFrame) => {
  const data = new Uint8ClampedArray(f.width * f.height * 4);
  f.data.forEach((v, i) => data.set([v, v, v, 255], i * 4));
  const found = await readBarcodes({ data, width: f.width, height: f.height, colorSpace: 'srgb' } as ImageData, { tryHarder: false });
  return found.filter((r) => r.isValid).map((r) => [r.format, r.text]);
};

describe('EAN-13 drawing', () => {
  it('computes check digits of known codes', () => {
    expect(ean13CheckDigit('400638133393')).toBe(1);
    expect(ean13CheckDigit('590123412345')).toBe(7);
    expect(ean13CheckDigit('978030640615')).toBe(7);
    expect(() => ean13Modules('5901234123458')).toThrow(/check digit/);
  });

  it('lays out guards, halves and the parity of the first digit', () => {
    const m = ean13Modules('5901234123457');
    expect(m).toHaveLength(95);
    expect([m.slice(0, 3), m.slice(45, 50), m.slice(92)]).toEqual(['101', '01010', '101']);
    // first digit 5 is LGGLLG: "9" as an L code, then "0" as a G code; "7" on the right as an R code
    expect(m.slice(3, 10)).toBe('0001011');
    expect(m.slice(10, 17)).toBe('0100111');
    expect(m.slice(85, 92)).toBe('1000100');
  });

  it('draws symbols that zxing reads back, for every EAN-13 and UPC-A of the demo bar', async () => {
    const codes = DEMO_ITEMS.map((i) => i[3]);
    for (const code of codes) {
      const [found] = await read(drawEan13(code));
      // zxing reports UPC-A labels as EAN-13 with a leading 0 (which the cloud's lookup allows for)
      expect(found).toEqual(['EAN13', code.padStart(13, '0')]);
    }
  });
});

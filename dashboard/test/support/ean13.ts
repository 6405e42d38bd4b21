// EAN-13 barcodes drawn from their digits, and turned into a video file that Chromium's fake
// camera plays: the scan tests then read a real symbol, not a value injected into the page.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { findFfmpeg } from '@smartstock/runtime';

// The L (odd parity) codes; R codes are their complement, G codes the R codes reversed.
const L = ['0001101', '0011001', '0010011', '0111101', '0100011', '0110001', '0101111', '0111011', '0110111', '0001011'];
const R = L.map((c) => [...c].map((b) => (b === '1' ? '0' : '1')).join(''));
const G = R.map((c) => [...c].reverse().join(''));
// The first digit is not drawn: it is carried by the mix of L and G codes on the left half.
const PARITY = ['LLLLLL', 'LLGLGG', 'LLGGLG', 'LLGGGL', 'LGLLGG', 'LGGLLG', 'LGGGLL', 'LGLGLG', 'LGLGGL', 'LGGLGL'];

/** The check digit of the first twelve digits. */
export function ean13CheckDigit(twelve: string): number {
  if (!/^\d{12}$/.test(twelve)) throw new Error(`need 12 digits, got "${twelve}"`);
  const sum = [...twelve].reduce((s, d, i) => s + Number(d) * (i % 2 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10;
}

/** The 95 modules of an EAN-13 symbol, '1' for a bar; a UPC-A code is drawn with a leading 0. */
export function ean13Modules(code: string): string {
  const digits = code.length === 12 ? '0' + code : code;
  if (!/^\d{13}$/.test(digits)) throw new Error(`not an EAN-13 or UPC-A code: "${code}"`);
  if (ean13CheckDigit(digits.slice(0, 12)) !== Number(digits[12])) throw new Error(`wrong check digit in ${code}`);
  const d = [...digits].map(Number);
  const parity = PARITY[d[0]!]!;
  const left = d.slice(1, 7).map((n, i) => (parity[i] === 'L' ? L : G)[n]);
  const right = d.slice(7).map((n) => R[n]);
  return ['101', ...left, '01010', ...right, '101'].join('');
}

export interface GrayFrame {
  width: number;
  height: number;
  /** one byte a pixel, 0 black, 255 white */
  data: Uint8Array;
}

/** A white frame with the symbol in the middle, `module` pixels a module and the quiet zone kept. */
export function drawEan13(code: string, o: { width?: number; height?: number; module?: number } = {}): GrayFrame {
  const { width = 640, height = 480, module = 4 } = o;
  const modules = ean13Modules(code);
  // the standard asks for 11 modules of quiet zone on the left and 7 on the right
  if ((modules.length + 11 + 7) * module > width) throw new Error(`${width} px is too narrow for ${module} px a module`);
  const data = new Uint8Array(width * height).fill(255);
  const x0 = Math.round((width - modules.length * module) / 2);
  const [y0, y1] = [Math.round(height * 0.25), Math.round(height * 0.75)];
  for (let y = y0; y < y1; y++)
    for (let m = 0; m < modules.length; m++)
      if (modules[m] === '1') data.fill(0, y * width + x0 + m * module, y * width + x0 + (m + 1) * module);
  return { width, height, data };
}

/** The frame as a .y4m file for --use-file-for-fake-video-capture (Chromium loops it). */
export async function writeY4m(frame: GrayFrame, path: string, ffmpeg = findFfmpeg()): Promise<void> {
  const raw = path.replace(/\.y4m$/, '') + '.gray';
  writeFileSync(raw, frame.data);
  await promisify(execFile)(ffmpeg, [
    ...['-hide_banner', '-loglevel', 'error', '-y'],
    ...['-f', 'rawvideo', '-pix_fmt', 'gray', '-s', `${frame.width}x${frame.height}`, '-framerate', '10', '-i', raw],
    ...['-vf', 'loop=loop=9:size=1', '-pix_fmt', 'yuv420p', path],
  ]);
}

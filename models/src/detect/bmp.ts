/**
 * Windows BMP, which this build of libvips does not read: the uncompressed kinds that scanners, Paint and
 * PIL write (24 and 32 bits a pixel, 32 with the usual BGRA bit masks; 1, 4 and 8 bits with a palette),
 * bottom-up or top-down, to RGB. Anything else (RLE-compressed, 16-bit, odd masks) is refused with what it is.
 */
export interface Rgb {
  data: Buffer;
  width: number;
  height: number;
  channels: 3;
}

export const isBmp = (buf: Buffer): boolean => buf.length >= 26 && buf[0] === 0x42 && buf[1] === 0x4d;

export function decodeBmp(buf: Buffer): Rgb {
  if (!isBmp(buf) || buf.length < 54) throw new Error('not a BMP file (or a truncated header)');
  const dataAt = buf.readUInt32LE(10);
  const headerSize = buf.readUInt32LE(14);
  if (headerSize < 40) throw new Error(`BMP header of ${headerSize} bytes (OS/2) is not read here`);
  const width = buf.readInt32LE(18);
  const rawHeight = buf.readInt32LE(22);
  const bpp = buf.readUInt16LE(28);
  const compression = buf.readUInt32LE(30);
  const height = Math.abs(rawHeight);
  if (!(width > 0 && height > 0)) throw new Error(`BMP size ${width}x${rawHeight} is not a size`);
  const bitfields = compression === 3 && bpp === 32;
  if (bitfields) {
    // the masks follow a 40-byte header, or are its V4/V5 successors' next fields: at 54 either way; only BGRA is read
    const masks = [0, 1, 2].map((k) => buf.readUInt32LE(54 + 4 * k));
    if (masks[0] !== 0x00ff0000 || masks[1] !== 0x0000ff00 || masks[2] !== 0x000000ff)
      throw new Error('BMP with unusual bit masks is not read here');
  } else if (compression !== 0) throw new Error(`compressed BMP (method ${compression}) is not read here`);
  if (![1, 4, 8, 24, 32].includes(bpp)) throw new Error(`${bpp}-bit BMP is not read here`);
  const stride = Math.ceil((width * bpp) / 32) * 4;
  if (dataAt + stride * height > buf.length) throw new Error('BMP is truncated');
  let palette: Buffer | null = null;
  if (bpp <= 8) {
    const colours = buf.readUInt32LE(46) || 1 << bpp;
    palette = buf.subarray(14 + headerSize, 14 + headerSize + 4 * colours);
  }
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const row = dataAt + (rawHeight > 0 ? height - 1 - y : y) * stride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      if (bpp >= 24) {
        const p = row + x * (bpp / 8);
        [data[o], data[o + 1], data[o + 2]] = [buf[p + 2]!, buf[p + 1]!, buf[p]!];
      } else {
        const bit = x * bpp;
        const index = (buf[row + (bit >> 3)]! >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
        const c = 4 * index;
        if (!palette || c + 2 >= palette.length) throw new Error(`BMP palette has no colour ${index}`);
        [data[o], data[o + 1], data[o + 2]] = [palette[c + 2]!, palette[c + 1]!, palette[c]!];
      }
    }
  }
  return { data, width, height, channels: 3 };
}

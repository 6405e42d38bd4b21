/**
 * Width and height read straight from a JPEG or PNG header, as the image is shown: a JPEG's EXIF
 * orientation (phones store a portrait photo sideways and say so there) is read too, and sizes are
 * given after it is applied, as sharp's autoOrient gives them. sharp's metadata() costs about as much
 * as a fifth of a 720p decode, and decodeImage needs the size before it decodes (to pick
 * shrink-on-load). Anything this does not recognise returns null, and the caller asks sharp.
 */
export interface HeaderSize {
  width: number;
  height: number;
  /** EXIF orientation 1-8; 1 (as stored) when there is none. 5-8 swap width and height. */
  orientation: number;
}

export function headerSize(buf: Buffer): HeaderSize | null {
  if (buf.length >= 24 && buf.readUInt32BE(0) === 0x89504e47 && buf.toString('latin1', 12, 16) === 'IHDR')
    return positive(buf.readUInt32BE(16), buf.readUInt32BE(20), 1);
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) return null;
  let at = 2;
  let orientation = 1;
  let sawExif = false;
  while (at + 9 < buf.length) {
    if (buf[at] !== 0xff) return null;
    const marker = buf[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    // SOF0-SOF15 carry the frame size; C4 (huffman tables), C8 (reserved) and CC (arithmetic) do not.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return positive(buf.readUInt16BE(at + 7), buf.readUInt16BE(at + 5), orientation);
    if (marker === 0xd9 || marker === 0xda) return null; // end of image or scan data before any frame header
    const length = buf.readUInt16BE(at + 2);
    if (marker === 0xe1 && !sawExif) {
      // APP1 also carries XMP, often after the EXIF block: only the first EXIF block counts
      const o = exifOrientation(buf, at + 4, Math.min(buf.length, at + 2 + length));
      if (o === null) return null;
      if (o !== undefined) [orientation, sawExif] = [o, true];
    }
    at += 2 + length;
  }
  return null;
}

/** Orientation from an APP1 segment (bytes start..end): undefined when it is not EXIF (XMP), 1 when EXIF has none, null when unreadable. */
function exifOrientation(buf: Buffer, start: number, end: number): number | null | undefined {
  if (end - start < 6 || buf.toString('latin1', start, start + 6) !== 'Exif\0\0') return undefined;
  if (end - start < 14) return null;
  const tiff = start + 6;
  const order = buf.toString('latin1', tiff, tiff + 2);
  if (order !== 'II' && order !== 'MM') return null;
  const le = order === 'II';
  const u16 = (p: number): number => (le ? buf.readUInt16LE(p) : buf.readUInt16BE(p));
  const u32 = (p: number): number => (le ? buf.readUInt32LE(p) : buf.readUInt32BE(p));
  const ifd = tiff + u32(tiff + 4);
  if (ifd + 2 > end) return null;
  const entries = u16(ifd);
  for (let i = 0; i < entries; i++) {
    const e = ifd + 2 + 12 * i;
    if (e + 12 > end) return null;
    if (u16(e) !== 0x0112) continue;
    const v = u16(e + 8);
    return v >= 1 && v <= 8 ? v : 1;
  }
  return 1;
}

function positive(width: number, height: number, orientation: number): HeaderSize | null {
  if (!(width > 0 && height > 0)) return null;
  return orientation >= 5 ? { width: height, height: width, orientation } : { width, height, orientation };
}

/**
 * Width and height read straight from a JPEG or PNG header. sharp's metadata() costs about as much as
 * a fifth of a 720p decode, and decodeImage needs the size before it decodes (to pick shrink-on-load).
 * Anything this does not recognise returns null, and the caller asks sharp.
 */
export function headerSize(buf: Buffer): { width: number; height: number } | null {
  if (buf.length >= 24 && buf.readUInt32BE(0) === 0x89504e47 && buf.toString('latin1', 12, 16) === 'IHDR')
    return positive(buf.readUInt32BE(16), buf.readUInt32BE(20));
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) return null;
  let at = 2;
  while (at + 9 < buf.length) {
    if (buf[at] !== 0xff) return null;
    const marker = buf[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    // SOF0-SOF15 carry the frame size; C4 (huffman tables), C8 (reserved) and CC (arithmetic) do not.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return positive(buf.readUInt16BE(at + 7), buf.readUInt16BE(at + 5));
    if (marker === 0xd9 || marker === 0xda) return null; // end of image or scan data before any frame header
    at += 2 + buf.readUInt16BE(at + 2);
  }
  return null;
}

function positive(width: number, height: number): { width: number; height: number } | null {
  return width > 0 && height > 0 ? { width, height } : null;
}

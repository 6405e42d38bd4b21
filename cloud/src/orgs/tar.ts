/**
 * A tar archive (POSIX ustar, with a pax header where a path is too long) written entry by entry,
 * so an export's files stream from object storage to the browser without being held in memory.
 * Any `tar` reads it (GNU tar, bsdtar, 7-Zip, Python's tarfile).
 */

const BLOCK = 512;
const ZERO = Buffer.alloc(BLOCK);

export interface TarEntry {
  /** the path inside the archive, '/'-separated */
  path: string;
  size: number;
  mtime?: Date | undefined;
  /** whole bytes, or chunks that must add up to size exactly */
  body: Buffer | AsyncIterable<Buffer | Uint8Array | string>;
}

/** The archive's bytes: each entry's header, body and padding, then the two empty blocks that end it. */
export async function* tarStream(entries: AsyncIterable<TarEntry> | Iterable<TarEntry>): AsyncGenerator<Buffer> {
  for await (const e of entries) {
    yield* headers(e);
    let written = 0;
    if (Buffer.isBuffer(e.body)) {
      written = e.body.length;
      yield e.body;
    } else {
      for await (const chunk of e.body) {
        const b = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
        written += b.length;
        if (written > e.size) break;
        yield b;
      }
    }
    // a header promised its size: a body that changed under us would corrupt every entry after it
    if (written !== e.size) throw new Error(`${e.path}: ${written} bytes where its header said ${e.size}`);
    if (e.size % BLOCK) yield ZERO.subarray(0, BLOCK - (e.size % BLOCK));
  }
  yield ZERO;
  yield ZERO;
}

function* headers(e: TarEntry): Generator<Buffer> {
  const mtime = Math.floor((e.mtime ?? new Date()).getTime() / 1000);
  const name = Buffer.from(e.path);
  if (name.length > 100) {
    // pax 'x' record: "<len> path=<path>\n", where len counts itself
    const body = paxRecord('path', e.path);
    yield header(`PaxHeader/${shorten(e.path)}`, body.length, mtime, 'x');
    yield body;
    if (body.length % BLOCK) yield ZERO.subarray(0, BLOCK - (body.length % BLOCK));
    yield header(shorten(e.path), e.size, mtime, '0');
  } else yield header(e.path, e.size, mtime, '0');
}

function paxRecord(key: string, value: string): Buffer {
  const rest = ` ${key}=${value}\n`;
  const base = Buffer.byteLength(rest);
  let len = base + String(base).length;
  if (String(len).length > String(base).length) len = base + String(len).length; // the length's own digits
  return Buffer.from(`${len}${rest}`);
}

/** The last 90 bytes' worth of the path: a reader that ignores pax still gets a recognisable name. */
function shorten(path: string): string {
  let short = path;
  while (Buffer.byteLength(short) > 90) short = short.slice(1);
  return short;
}

function header(name: string, size: number, mtime: number, type: '0' | 'x'): Buffer {
  if (size >= 8 ** 11) throw new Error(`${name}: over 8 GiB, more than a ustar size field holds`);
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100);
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write(`${mtime.toString(8).padStart(11, '0')}\0`, 136);
  h.write('        ', 148);
  h.write(type, 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

import { randomBytes } from 'node:crypto';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let lastMs = -1;
let counter = 0;

/**
 * UUIDv7 (RFC 9562): 48-bit Unix ms, then a 12-bit counter that keeps ids made
 * in the same millisecond ordered, then random bits. Ordered ids keep the
 * observations index append-mostly on both SQLite and PostgreSQL.
 */
export function uuidv7(now: number = Date.now()): string {
  if (now <= lastMs) {
    // same millisecond, or the clock stepped back: stay monotonic on the last time
    counter = (counter + 1) & 0xfff;
    if (counter === 0) lastMs += 1; // counter wrapped: borrow the next millisecond
  } else {
    counter = randomBytes(2).readUInt16BE(0) & 0x3ff; // random start leaves room to count up
    lastMs = now;
  }
  const b = randomBytes(16);
  const ms = BigInt(lastMs);
  for (let i = 0; i < 6; i++) b[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  b[6] = 0x70 | (counter >> 8);
  b[7] = counter & 0xff;
  b[8] = 0x80 | (b[8]! & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function isUuidV7(s: string): boolean {
  return UUID_V7.test(s);
}

/** The creation time encoded in a UUIDv7. */
export function uuidv7Time(id: string): Date {
  return new Date(parseInt(id.replace(/-/g, '').slice(0, 12), 16));
}

import { z } from 'zod';
import { timestamp } from './common.js';

/** A message ingestion refused, as its organisation may read it: what, why, and a glimpse of the bytes. */
export const deadLetter = z.strictObject({
  id: z.number(),
  deviceId: z.string().nullable(),
  topic: z.string(),
  reason: z.string(),
  /** the whole message's size in bytes (only its first 16 KB are kept) */
  size: z.number(),
  /** of the whole message, hex */
  sha256: z.string(),
  receivedAt: timestamp,
  /** the first bytes: as text when they are valid UTF-8 (control characters escaped), as hex otherwise */
  preview: z.strictObject({ encoding: z.enum(['utf8', 'hex']), text: z.string(), truncated: z.boolean() }),
});
export const deadLetterPage = z.strictObject({
  deadLetters: z.array(deadLetter),
  /** pass as `before` for the next, older page; null on the last */
  nextBefore: z.number().nullable(),
});

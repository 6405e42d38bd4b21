import type { z } from 'zod';
import type { deadLetterPage } from '@smartstock/api';
import type { Queryable } from '../db/types.js';
import { DeadLetterRepository, type DeadLetterFilter } from './dead-letter.repository.js';

/** How many bytes of a payload an answer shows: enough to see what was sent, never the stored 16 KB. */
export const PREVIEW_BYTES = 256;

/** Reads one organisation's dead letters for the people who fix its devices. */
export class DeadLetterService {
  constructor(private readonly db: Queryable) {}

  async list(orgId: string, f: Omit<DeadLetterFilter, 'payloadBytes'>): Promise<z.output<typeof deadLetterPage>> {
    const rows = await new DeadLetterRepository(this.db).search(orgId, { ...f, payloadBytes: PREVIEW_BYTES });
    return {
      deadLetters: rows.map((d) => ({
        id: d.id,
        deviceId: d.deviceId,
        topic: d.topic,
        reason: d.reason,
        size: d.sizeBytes,
        sha256: d.sha256,
        receivedAt: d.receivedAt,
        preview: preview(d.payload, d.sizeBytes),
      })),
      nextBefore: rows.length === f.limit ? rows[rows.length - 1]!.id : null,
    };
  }
}

/** Text only when the bytes are UTF-8: a character cut at the preview's end is dropped, anything else invalid means hex. */
export function preview(payload: Uint8Array, size: number): z.output<typeof deadLetterPage>['deadLetters'][number]['preview'] {
  const bytes = payload.subarray(0, PREVIEW_BYTES);
  const truncated = size > bytes.byteLength;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: truncated });
    const printable = text.replace(
      // eslint-disable-next-line no-control-regex
      /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
    return { encoding: 'utf8', text: printable, truncated };
  } catch {
    return { encoding: 'hex', text: Buffer.from(bytes).toString('hex'), truncated };
  }
}

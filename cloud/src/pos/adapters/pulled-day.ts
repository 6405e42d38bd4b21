import { z } from 'zod';
import type { PosOrder, PulledDay } from './types.js';

/** Reads one order of a pulled day into `day`, or names it in day.unreadable. */
export function readPulled(day: PulledDay, raw: unknown, read: (raw: unknown) => PosOrder): void {
  try {
    day.orders.push(read(raw));
  } catch (err) {
    const id = raw && typeof raw === 'object' && 'id' in raw ? (raw as { id?: unknown }).id : (raw as { guid?: unknown } | null)?.guid;
    const issue =
      err instanceof z.ZodError ? `${err.issues[0]?.path.join('.') || 'order'}: ${err.issues[0]?.message}` : (err as Error).message;
    day.unreadable.push(`order ${typeof id === 'string' && id ? id.slice(0, 80) : '(no id)'}: ${issue.slice(0, 200)}`);
  }
}

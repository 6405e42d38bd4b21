import { z } from 'zod';

/**
 * An IANA time zone name ("Europe/London", "UTC") that this runtime's tz database knows. Offsets
 * ("+01:00") and inventions ("Mars/Olympus") are refused: the notifier computes quiet hours and
 * summary times in the venue's zone.
 */
export function isTimeZone(tz: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const timeZoneSchema = z
  .string()
  .max(64)
  .refine(isTimeZone, 'expected an IANA time zone name such as Europe/London or America/New_York');

/** A zone stored before names were checked may be unknown: such a venue runs on UTC rather than failing. */
export function knownTimeZone(tz: string): string {
  return isTimeZone(tz) ? tz : 'UTC';
}

/** Wall-clock times of a venue's zone and the instants they name: a CSV row's time, a POS business day's bounds. */

/** The instant whose wall clock in `timeZone` reads `wall` (a UTC-encoded wall time); in a DST gap, the later reading. */
export function fromWallClock(wall: number, timeZone: string): number {
  let at = wall - offsetAt(wall, timeZone);
  // the offset at the guess may differ from the offset at the answer (the guess crossed a DST change)
  at = wall - offsetAt(at, timeZone);
  return at;
}

/** The zone's offset from UTC at an instant, in ms. */
function offsetAt(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The first and last millisecond of a local calendar day (YYYY-MM-DD) in `timeZone`, as instants:
 * 23 or 25 hours across a DST change; a midnight that does not exist (a DST gap at 00:00) starts
 * the day at the later reading.
 */
export function localDayBounds(day: string, timeZone: string): { start: Date; last: Date } {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const start = fromWallClock(Date.UTC(year, month - 1, date), timeZone);
  const next = fromWallClock(Date.UTC(year, month - 1, date + 1), timeZone);
  return { start: new Date(start), last: new Date(next - 1) };
}

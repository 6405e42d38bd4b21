/**
 * Event days from iCal feeds (a venue's Google or Outlook calendar of quiz nights and
 * matches) and public holidays per country (date-holidays, offline), as YYYY-MM-DD
 * dates in the venue's time zone.
 */
import Holidays from 'date-holidays';
import ical from 'node-ical';

export class CalendarUnavailable extends Error {}

/** The local date of an instant in a time zone. */
const localDate = (at: Date, timeZone: string): string => at.toLocaleDateString('en-CA', { timeZone });

/** The days with an event between from and to (inclusive), recurring events expanded. */
export function eventDaysFromIcs(text: string, from: string, to: string, timeZone: string): Set<string> {
  let parsed: ical.CalendarResponse;
  try {
    parsed = ical.sync.parseICS(text);
  } catch (e) {
    throw new CalendarUnavailable(`not an iCalendar file: ${(e as Error).message}`);
  }
  const out = new Set<string>();
  const lo = new Date(`${from}T00:00:00Z`);
  const hi = new Date(`${to}T23:59:59Z`);
  // A day either side of the range: an evening event in a zone far from UTC can change date.
  const wideLo = new Date(lo.getTime() - 86_400_000);
  const wideHi = new Date(hi.getTime() + 86_400_000);
  const add = (start: Date, allDay: boolean) => {
    const day = allDay ? start.toISOString().slice(0, 10) : localDate(start, timeZone);
    if (day >= from && day <= to) out.add(day);
  };
  for (const component of Object.values(parsed)) {
    if (!component || component.type !== 'VEVENT') continue;
    const event = component as ical.VEvent;
    if (!(event.start instanceof Date) || Number.isNaN(event.start.getTime())) continue;
    const allDay = event.datetype === 'date';
    if (event.rrule) for (const start of event.rrule.between(wideLo, wideHi, true)) add(start, allDay);
    else add(event.start, allDay);
  }
  return out;
}

/** Fetches an iCal feed; throws CalendarUnavailable with the reason. */
export async function fetchIcs(url: string, timeoutMs = 5000, doFetch: typeof fetch = fetch): Promise<string> {
  let res: Response;
  try {
    res = await doFetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    throw new CalendarUnavailable(
      `calendar ${new URL(url).host}: ${(e as Error).name === 'TimeoutError' ? `no answer in ${timeoutMs} ms` : (e as Error).message}`,
    );
  }
  if (!res.ok) throw new CalendarUnavailable(`calendar ${new URL(url).host}: HTTP ${res.status}`);
  return res.text();
}

/** Public holidays of a country (ISO 3166 alpha-2) between from and to. */
export function holidayDays(country: string, from: string, to: string): Set<string> {
  const calendar = new Holidays(country);
  const out = new Set<string>();
  for (let year = Number(from.slice(0, 4)); year <= Number(to.slice(0, 4)); year++) {
    for (const h of calendar.getHolidays(year) || []) {
      const day = h.date.slice(0, 10);
      if (h.type === 'public' && day >= from && day <= to) out.add(day);
    }
  }
  return out;
}

/** Whether date-holidays knows the country code. */
export const knownCountry = (country: string): boolean => Object.keys(new Holidays().getCountries()).includes(country);

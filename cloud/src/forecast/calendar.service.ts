import type { Db } from '../db/types.js';
import { badRequest, notFound } from '../errors.js';
import { venueRecords } from '../venues/index.js';
import { CalendarRepository, type HandEnteredEvent, type VenueCalendarSettings } from './calendar.repository.js';
import { eventDaysFromIcs, fetchIcs, holidayDays, knownCountry } from './event-calendars.js';
import type { RegressorDays } from './models/index.js';
import type { OpenMeteo } from './open-meteo.js';

export interface CalendarServiceDeps {
  db: Db;
  /** absent: forecasts never ask for weather (a cloud with no way out) */
  weather?: OpenMeteo | undefined;
  calendarTimeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * A venue's weather and events for its forecasts: Open-Meteo at its coordinates,
 * its country's public holidays, its iCal feeds and the events a manager entered.
 * A source that cannot be reached is left out and said in the reasons: a forecast
 * never waits on, or fails for, a service outside.
 */
export class CalendarService {
  private readonly repo: CalendarRepository;

  constructor(private readonly deps: CalendarServiceDeps) {
    this.repo = new CalendarRepository(deps.db);
  }

  async settings(orgId: string, venueId: string): Promise<VenueCalendarSettings> {
    await this.venue(orgId, venueId);
    return this.repo.settings(orgId, venueId);
  }

  async saveSettings(orgId: string, venueId: string, settings: VenueCalendarSettings): Promise<VenueCalendarSettings> {
    await this.venue(orgId, venueId);
    if ((settings.latitude === null) !== (settings.longitude === null))
      throw badRequest('give both latitude and longitude, or neither', 'latitude');
    if (settings.country !== null && !knownCountry(settings.country))
      throw badRequest(`"${settings.country}" is not a country code with a holiday calendar (ISO 3166, e.g. GB, US, IL)`, 'country');
    await this.repo.saveSettings(orgId, venueId, settings);
    return settings;
  }

  async events(orgId: string, venueId: string, from: string, to: string): Promise<HandEnteredEvent[]> {
    await this.venue(orgId, venueId);
    return this.repo.events(orgId, venueId, from, to);
  }

  async addEvent(orgId: string, venueId: string, day: string, name: string): Promise<HandEnteredEvent> {
    await this.venue(orgId, venueId);
    return this.repo.addEvent(orgId, venueId, day, name);
  }

  async removeEvent(orgId: string, id: string): Promise<void> {
    if (!(await this.repo.removeEvent(orgId, id))) throw notFound('event');
  }

  /** The regressors of a venue from..to, and a reason for each source that was left out. */
  async regressorDays(orgId: string, venueId: string, from: string, to: string): Promise<{ days: RegressorDays; reasons: string[] }> {
    const venue = await this.venue(orgId, venueId);
    const settings = await this.repo.settings(orgId, venueId);
    const days: RegressorDays = {};
    const reasons: string[] = [];
    const mark = (date: string, values: RegressorDays[string]) => (days[date] = { ...days[date], ...values });

    const events = new Set((await this.repo.events(orgId, venueId, from, to)).map((event) => event.day));
    for (const url of settings.icalUrls) {
      try {
        const text = await fetchIcs(url, this.deps.calendarTimeoutMs, this.deps.fetch);
        for (const day of eventDaysFromIcs(text, from, to, venue.timezone)) events.add(day);
      } catch (e) {
        reasons.push(`${(e as Error).message}: its events left out`);
      }
    }
    // Events are only known where somebody records them: with none at all, the flag says nothing.
    if (events.size > 0 || settings.icalUrls.length > 0)
      for (const date of eachDay(from, to)) mark(date, { event: events.has(date) ? 1 : 0 });
    if (settings.country) {
      const holidays = holidayDays(settings.country, from, to);
      for (const date of eachDay(from, to)) mark(date, { holiday: holidays.has(date) ? 1 : 0 });
    }
    if (settings.latitude !== null && settings.longitude !== null && this.deps.weather) {
      try {
        const weather = await this.deps.weather.daily(
          { latitude: settings.latitude, longitude: settings.longitude, timeZone: venue.timezone },
          from,
          to,
        );
        for (const [date, w] of weather) mark(date, w);
      } catch (e) {
        reasons.push(`weather unavailable (${(e as Error).message}): forecast without weather`);
      }
    }
    return { days, reasons };
  }

  private async venue(orgId: string, venueId: string) {
    const venue = await venueRecords(this.deps.db).getVenue(orgId, venueId);
    if (!venue) throw notFound('venue');
    return venue;
  }
}

function* eachDay(from: string, to: string): Generator<string> {
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000)
    yield new Date(t).toISOString().slice(0, 10);
}

/**
 * The forecast's outside sources against a local HTTP server serving recorded-style
 * Open-Meteo answers (shapes from its API docs) and iCal files: parsing, caching,
 * retries, a slow and a down service; and the public-holiday calendar.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CalendarUnavailable, eventDaysFromIcs, fetchIcs, holidayDays } from '../../src/forecast/event-calendars.js';
import { OpenMeteo, WeatherUnavailable } from '../../src/forecast/open-meteo.js';

const LONDON = { latitude: 51.5072, longitude: -0.1276, timeZone: 'Europe/London' };
const NOW = new Date('2026-12-06T12:00:00Z');

/** Open-Meteo's daily answer for the dates asked (archive: start/end; forecast: past_days/forecast_days). */
function answer(url: URL): unknown {
  const dates: string[] = [];
  if (url.pathname === '/v1/archive') {
    for (let t = Date.parse(url.searchParams.get('start_date')!); t <= Date.parse(url.searchParams.get('end_date')!); t += 86_400_000)
      dates.push(new Date(t).toISOString().slice(0, 10));
  } else {
    const past = Number(url.searchParams.get('past_days'));
    const ahead = Number(url.searchParams.get('forecast_days'));
    for (let i = -past; i < ahead; i++) dates.push(new Date(NOW.getTime() + i * 86_400_000).toISOString().slice(0, 10));
  }
  return {
    latitude: 51.5,
    longitude: -0.12,
    timezone: 'Europe/London',
    daily_units: { time: 'iso8601', temperature_2m_max: '°C', precipitation_sum: 'mm' },
    daily: {
      time: dates,
      temperature_2m_max: dates.map((d) => 8 + (Number(d.slice(8)) % 5)),
      // a gap, as the archive has for its newest days
      precipitation_sum: dates.map((d, i) => (i === dates.length - 1 ? null : Number(d.slice(8)) % 3)),
    },
  };
}

let server: Server;
let base = '';
const calls: string[] = [];
let failNext = 0;
let mode: 'ok' | 'slow' | 'bad-request' = 'ok';
const ICS = `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//The Anchor//Events//EN
BEGIN:VEVENT
UID:quiz@anchor
DTSTART;TZID=Europe/London:20261103T193000
DTEND;TZID=Europe/London:20261103T223000
RRULE:FREQ=WEEKLY;COUNT=6
SUMMARY:Quiz night
END:VEVENT
BEGIN:VEVENT
UID:party@anchor
DTSTART;VALUE=DATE:20261219
DTEND;VALUE=DATE:20261220
SUMMARY:Christmas party
END:VEVENT
BEGIN:VEVENT
UID:late@anchor
DTSTART:20261105T233000Z
DTEND:20261106T010000Z
SUMMARY:Late set in New York time
END:VEVENT
END:VCALENDAR`;

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    calls.push(url.pathname);
    if (url.pathname === '/events.ics') return res.writeHead(200, { 'content-type': 'text/calendar' }).end(ICS);
    if (url.pathname === '/gone.ics') return res.writeHead(404).end();
    if (failNext > 0) {
      failNext -= 1;
      return res.writeHead(503).end('busy');
    }
    if (mode === 'slow') return void setTimeout(() => res.writeHead(200).end('{}'), 2000);
    if (mode === 'bad-request')
      return res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: true, reason: 'Latitude must be in range of -90 to 90°.' }));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer(url)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

const client = (over: Partial<ConstructorParameters<typeof OpenMeteo>[0]> = {}) =>
  new OpenMeteo({ forecastUrl: base, archiveUrl: base, now: () => NOW, retryDelayMs: 10, minIntervalMs: 0, timeoutMs: 500, ...over });

describe('Open-Meteo client', () => {
  it('joins the archive and the forecast into one day-by-day map, from the cache the second time', async () => {
    calls.length = 0;
    mode = 'ok';
    const weather = client();
    const days = await weather.daily(LONDON, '2026-11-01', '2026-12-20');
    expect(calls).toEqual(['/v1/archive', '/v1/forecast']);
    expect(days.size).toBe(50);
    expect(days.get('2026-11-03')).toEqual({ temperature: 11, rain: 0 });
    expect(days.get('2026-12-15')).toEqual({ temperature: 8, rain: 0 });
    // the archive's last day had no rain value: the forecast's past days fill it
    expect(days.get('2026-11-30')).toEqual({ temperature: 8, rain: 0 });
    await weather.daily(LONDON, '2026-11-01', '2026-12-20');
    expect(calls).toHaveLength(2);
  });

  it('tries again after a 503 and gives up with the reason after its retries', async () => {
    mode = 'ok';
    failNext = 1;
    expect((await client().daily(LONDON, '2026-12-10', '2026-12-12')).size).toBe(3);
    failNext = 5;
    await expect(client({ retries: 2 }).daily(LONDON, '2026-12-10', '2026-12-12')).rejects.toThrow(/HTTP 503/);
    failNext = 0;
  });

  it('does not retry what Open-Meteo refuses, and says why', async () => {
    mode = 'bad-request';
    calls.length = 0;
    await expect(client().daily(LONDON, '2026-12-10', '2026-12-12')).rejects.toThrow(/HTTP 400: Latitude must be in range of -90 to 90°/);
    expect(calls).toHaveLength(1);
  });

  it('gives up on a slow or a down service with WeatherUnavailable', async () => {
    mode = 'slow';
    await expect(client({ timeoutMs: 150, retries: 1 }).daily(LONDON, '2026-12-10', '2026-12-12')).rejects.toThrow(/no answer in 150 ms/);
    mode = 'ok';
    const down = new OpenMeteo({ forecastUrl: 'http://127.0.0.1:9', archiveUrl: 'http://127.0.0.1:9', retries: 0, now: () => NOW });
    await expect(down.daily(LONDON, '2026-12-10', '2026-12-12')).rejects.toBeInstanceOf(WeatherUnavailable);
  });
});

describe('event calendars', () => {
  it('reads an iCal feed: weekly events expanded, all-day events on their date, times on the venue’s date', async () => {
    const text = await fetchIcs(`${base}/events.ics`);
    expect([...eventDaysFromIcs(text, '2026-11-01', '2026-12-31', 'Europe/London')].sort()).toEqual([
      '2026-11-03',
      '2026-11-05',
      '2026-11-10',
      '2026-11-17',
      '2026-11-24',
      '2026-12-01',
      '2026-12-08',
      '2026-12-19',
    ]);
    // 23:30 UTC is still the 5th in New York, the 6th in Tel Aviv
    expect(eventDaysFromIcs(text, '2026-11-05', '2026-11-06', 'Asia/Jerusalem')).toContain('2026-11-06');
  });

  it('says what is wrong with a feed that is missing or not a calendar', async () => {
    await expect(fetchIcs(`${base}/gone.ics`)).rejects.toThrow(/HTTP 404/);
    await expect(fetchIcs('http://127.0.0.1:9/x.ics', 500)).rejects.toBeInstanceOf(CalendarUnavailable);
  });

  it('knows the public holidays of a country', () => {
    const gb = holidayDays('GB', '2026-12-01', '2027-01-02');
    expect([...gb].sort()).toEqual(['2026-12-25', '2026-12-26', '2026-12-28', '2027-01-01']);
    expect(holidayDays('IL', '2026-09-01', '2026-10-31').size).toBeGreaterThan(0);
  });
});

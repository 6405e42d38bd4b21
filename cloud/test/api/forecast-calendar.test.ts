/**
 * Weather and events in a real cloud on PGlite: the venue's calendar settings and
 * hand-entered events over the API, a forecast that learns an event lift from the
 * POS history, and one made while the weather service is down.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestCloud } from '../support/cloud.js';

const DAY = 86_400_000;
const isoDay = (offset: number) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);
/** Every ninth day from 200 days ago to 27 days ahead is an event night. */
const EVENT_OFFSETS = Array.from({ length: 26 }, (_, i) => -197 + i * 9);

describe('forecast calendar API', () => {
  let t: TestCloud;
  let weather: Server;
  let weatherUp = false;
  const venue = () => t.demo.venueId;
  let manager = '';
  let bartender = '';

  beforeAll(async () => {
    weather = createServer((req, res) => {
      if (!weatherUp) return res.writeHead(503).end();
      const url = new URL(req.url ?? '/', 'http://x');
      const from = url.searchParams.get('start_date') ?? isoDay(-Number(url.searchParams.get('past_days')));
      const to = url.searchParams.get('end_date') ?? isoDay(Number(url.searchParams.get('forecast_days')) - 1);
      const time: string[] = [];
      for (let d = Date.parse(from); d <= Date.parse(to); d += DAY) time.push(new Date(d).toISOString().slice(0, 10));
      const daily = { time, temperature_2m_max: time.map(() => 12), precipitation_sum: time.map(() => 0) };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ daily }));
    });
    await new Promise<void>((r) => weather.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(weather.address() as AddressInfo).port}`;
    t = await build({ forecast: { weatherUrl: url, weatherArchiveUrl: url, outsideTimeoutMs: 1000 } });
    manager = await t.userWithRole('manager');
    bartender = await t.userWithRole('bartender');
    // 200 days of sales of two items: 10 a day, 18 on event nights
    const events = EVENT_OFFSETS.map(isoDay);
    for (const sku of ['TITOS-750', 'TANQ-750'])
      await t.cloud.db.query(
        `INSERT INTO transactions (org_id, item_id, location_id, type, quantity, at)
         SELECT $1, $2, $3, 'SALE', CASE WHEN d::date::text = ANY($4::text[]) THEN -18 ELSE -10 END, d + interval '20 hours'
         FROM generate_series(date_trunc('day', now()) - interval '200 days', date_trunc('day', now()) - interval '1 day', interval '1 day') d`,
        [t.demo.orgId, t.demo.items[sku]!, t.demo.locations.mainBar, events],
      );
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((r) => weather?.close(r));
  });

  it('keeps where the venue is and refuses what it cannot use, naming the field', async () => {
    const path = `/api/v1/forecast/calendar?venue_id=${venue()}`;
    expect((await t.api('GET', path, { token: bartender })).body).toEqual({ latitude: null, longitude: null, country: null, icalUrls: [] });
    const bad = await t.api('PUT', path, { token: manager, body: { latitude: 51.5, longitude: null, country: null, icalUrls: [] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ field: 'latitude', message: expect.stringMatching(/both latitude and longitude/) });
    const country = await t.api('PUT', path, { token: manager, body: { latitude: null, longitude: null, country: 'XX', icalUrls: [] } });
    expect(country.status).toBe(400);
    expect(country.body.error.field).toMatch(/country/);
    const good = { latitude: 51.5072, longitude: -0.1276, country: 'GB', icalUrls: [] };
    expect((await t.api('PUT', path, { token: bartender, body: good })).status).toBe(403);
    expect((await t.api('PUT', path, { token: manager, body: good })).body).toEqual(good);
    expect((await t.api('GET', path, { token: bartender })).body).toEqual(good);
  });

  it('keeps events entered by hand, and removes them', async () => {
    const body = { venueId: venue(), day: isoDay(3), name: 'Darts final' };
    expect((await t.api('POST', '/api/v1/forecast/events', { token: bartender, body })).status).toBe(403);
    const made = await t.api('POST', '/api/v1/forecast/events', { token: manager, body });
    expect(made.status).toBe(201);
    const list = await t.api('GET', `/api/v1/forecast/events?venue_id=${venue()}`, { token: bartender });
    expect(list.body).toEqual([{ ...body, id: made.body.id }]);
    expect((await t.api('DELETE', `/api/v1/forecast/events/${made.body.id}`, { token: manager })).status).toBe(204);
    expect((await t.api('DELETE', `/api/v1/forecast/events/${made.body.id}`, { token: manager })).status).toBe(404);
    const blank = await t.api('POST', '/api/v1/forecast/events', { token: manager, body: { ...body, name: ' ' } });
    expect(blank.status).toBe(400);
  });

  it('learns the event lift and raises the coming event nights; without weather while it is down, saying so', async () => {
    for (const offset of EVENT_OFFSETS)
      await t.api('POST', '/api/v1/forecast/events', { token: manager, body: { venueId: venue(), day: isoDay(offset), name: 'Quiz' } });
    weatherUp = false;
    const down = await t.api('GET', `/api/v1/forecast?item_id=${t.demo.items['TITOS-750']}&location_id=${t.demo.locations.mainBar}`, {
      token: bartender,
    });
    expect(down.status).toBe(200);
    expect(down.body.reasons.join(' ')).toMatch(/weather unavailable \(Open-Meteo .*HTTP 503\): forecast without weather/);
    expect(down.body.regressors.map((r: { name: string }) => r.name)).toContain('event');

    weatherUp = true;
    const up = await t.api('GET', `/api/v1/forecast?item_id=${t.demo.items['TANQ-750']}&location_id=${t.demo.locations.mainBar}`, {
      token: bartender,
    });
    expect(up.body.reasons.join(' ')).not.toMatch(/weather unavailable/);
    const lift = up.body.regressors.find((r: { name: string }) => r.name === 'event');
    expect(lift.factor).toBeGreaterThan(1.5);
    const coming = new Set(EVENT_OFFSETS.filter((o) => o >= 0).map(isoDay));
    const means = (event: boolean) =>
      up.body.days.filter((d: { date: string }) => coming.has(d.date) === event).map((d: { mean: number }) => d.mean);
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(avg(means(true))).toBeGreaterThan(1.4 * avg(means(false)));
  });
});

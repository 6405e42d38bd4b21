/**
 * Open-Meteo (no key): the day's highest temperature and rain at a venue, from the
 * historical archive for the past and the forecast API for the last week and the
 * next 16 days. Answers are cached, calls spaced out (the free tier allows 600 a
 * minute), and a failure is retried after a 429, a 5xx, a timeout or a reset.
 */
import { dateOf, dayNumber } from './models/index.js';

export interface Place {
  latitude: number;
  longitude: number;
  timeZone: string;
}

export interface DayWeather {
  temperature?: number;
  rain?: number;
}

export interface OpenMeteoOptions {
  forecastUrl: string;
  archiveUrl: string;
  timeoutMs?: number;
  /** tries after the first */
  retries?: number;
  /** at least this long between two calls */
  minIntervalMs?: number;
  retryDelayMs?: number;
  now?: () => Date;
  fetch?: typeof fetch;
}

export class WeatherUnavailable extends Error {}

/** The archive (ERA5) lags a few days behind; the forecast API covers the week before today. */
const ARCHIVE_LAG_DAYS = 6;
const FORECAST_DAYS = 16;
const CACHE_LIMIT = 500;

export class OpenMeteo {
  private readonly cache = new Map<string, { until: number; days: Map<string, DayWeather> }>();
  private nextCallAt = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: OpenMeteoOptions) {}

  /** Weather per date from..to (YYYY-MM-DD) where Open-Meteo has it; throws WeatherUnavailable. */
  async daily(place: Place, from: string, to: string): Promise<Map<string, DayWeather>> {
    const today = dayNumber(this.now().toISOString().slice(0, 10));
    const lastArchived = today - ARCHIVE_LAG_DAYS;
    const out = new Map<string, DayWeather>();
    if (dayNumber(from) <= lastArchived) {
      const end = dateOf(Math.min(dayNumber(to), lastArchived));
      for (const [d, w] of await this.fetchDays('archive', place, { start_date: from, end_date: end })) out.set(d, w);
    }
    if (dayNumber(to) > lastArchived) {
      const recent = await this.fetchDays('forecast', place, {
        past_days: String(ARCHIVE_LAG_DAYS + 1),
        forecast_days: String(FORECAST_DAYS),
      });
      // Where both have a day, the archive (observed) wins; the forecast's past days fill its gaps.
      for (const [d, w] of recent) if (d >= from && d <= to) out.set(d, { ...w, ...out.get(d) });
    }
    return out;
  }

  private now(): Date {
    return this.opts.now?.() ?? new Date();
  }

  private async fetchDays(kind: 'archive' | 'forecast', place: Place, range: Record<string, string>): Promise<Map<string, DayWeather>> {
    const base = kind === 'archive' ? `${this.opts.archiveUrl}/v1/archive` : `${this.opts.forecastUrl}/v1/forecast`;
    const url = new URL(base);
    const params = {
      latitude: place.latitude.toFixed(3),
      longitude: place.longitude.toFixed(3),
      daily: 'temperature_2m_max,precipitation_sum',
      timezone: place.timeZone,
      ...range,
    };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const key = url.toString();
    const hit = this.cache.get(key);
    if (hit && hit.until > Date.now()) return hit.days;
    const body = await this.spaced(() => this.getWithRetries(url));
    const days = parseDaily(body);
    // The past does not change; the forecast is refreshed hourly.
    this.cache.set(key, { until: Date.now() + (kind === 'archive' ? 86_400_000 : 3_600_000), days });
    if (this.cache.size > CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
    return days;
  }

  /** One call at a time, minIntervalMs apart. */
  private spaced<T>(call: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      const wait = this.nextCallAt - Date.now();
      if (wait > 0) await sleep(wait);
      this.nextCallAt = Date.now() + (this.opts.minIntervalMs ?? 100);
      return call();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async getWithRetries(url: URL): Promise<unknown> {
    const retries = this.opts.retries ?? 2;
    const doFetch = this.opts.fetch ?? fetch;
    let last = '';
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep((this.opts.retryDelayMs ?? 500) * 2 ** (attempt - 1));
      let res: Response;
      try {
        res = await doFetch(url, { signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5000) });
      } catch (e) {
        last = (e as Error).name === 'TimeoutError' ? `no answer in ${this.opts.timeoutMs ?? 5000} ms` : (e as Error).message;
        continue;
      }
      if (res.ok)
        return res.json().catch(() => Promise.reject(new WeatherUnavailable('Open-Meteo answered with something that is not JSON')));
      const reason = await res
        .json()
        .then((b: unknown) => (b as { reason?: unknown } | null)?.reason ?? '')
        .then((body) => (typeof body === 'string' ? body : ''))
        .catch(() => '');
      last = `HTTP ${res.status}${reason ? `: ${reason}` : ''}`;
      if (res.status !== 429 && res.status < 500) break;
    }
    throw new WeatherUnavailable(`Open-Meteo (${url.host}): ${last}`);
  }
}

function parseDaily(body: unknown): Map<string, DayWeather> {
  const daily = (body as { daily?: Record<string, unknown> } | null)?.daily;
  const time = daily?.time;
  if (!Array.isArray(time)) throw new WeatherUnavailable('Open-Meteo answer has no daily.time');
  const temps = Array.isArray(daily?.temperature_2m_max) ? daily.temperature_2m_max : [];
  const rain = Array.isArray(daily?.precipitation_sum) ? daily.precipitation_sum : [];
  const out = new Map<string, DayWeather>();
  time.forEach((d, i) => {
    if (typeof d !== 'string') return;
    const day: DayWeather = {};
    if (typeof temps[i] === 'number') day.temperature = temps[i];
    if (typeof rain[i] === 'number') day.rain = rain[i];
    out.set(d, day);
  });
  return out;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A forecast worker thread of the runner's pool: model fitting (a few ms a series) off the event loop. */
import { parentPort } from 'node:worker_threads';
import { forecastSeries, type ForecastOptions, type RawPoint } from './models/index.js';

export interface FitRequest {
  id: number;
  points: RawPoint[];
  options: ForecastOptions;
}

parentPort?.on('message', (m: FitRequest) => {
  try {
    parentPort?.postMessage({ id: m.id, ok: true, forecast: forecastSeries(m.points, m.options) });
  } catch (e) {
    parentPort?.postMessage({ id: m.id, ok: false, error: (e as Error).message });
  }
});

/** The forecast worker thread: model fitting off the event loop (wasm ETS/MSTL take tens of ms a series). */
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

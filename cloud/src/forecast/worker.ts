/** A forecast worker thread of the runner's pool: model fitting (a few ms a series) off the event loop. */
import { parentPort } from 'node:worker_threads';
import { forecastSeries, type ForecastOptions, type RawPoint } from './models/index.js';
import { unpackHistory, type PackedHistory } from './wire.js';

/** The history packed (see wire.ts), or as it is where it cannot be. */
export type FitRequest = { id: number; options: ForecastOptions } & ({ packed: PackedHistory } | { points: RawPoint[] });

parentPort?.on('message', (m: FitRequest) => {
  try {
    parentPort?.postMessage({
      id: m.id,
      ok: true,
      forecast: forecastSeries('packed' in m ? unpackHistory(m.packed) : m.points, m.options),
    });
  } catch (e) {
    parentPort?.postMessage({ id: m.id, ok: false, error: (e as Error).message });
  }
});

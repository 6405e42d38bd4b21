import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as mstlWasm from '@bsull/augurs/mstl';
import type { Fitted, Model } from './types.js';

let ready = false;
/**
 * The augurs bindings are wasm-bindgen "web" builds: on Node they must be
 * handed their .wasm bytes before the first call (fetch of a file URL does
 * not work on Node 20). Synchronous, once per thread.
 */
function init(): void {
  if (ready) return;
  const require = createRequire(import.meta.url);
  const dir = require.resolve('@bsull/augurs/mstl').replace(/mstl\.js$/, '');
  mstlWasm.initSync({ module: readFileSync(`${dir}mstl_bg.wasm`) });
  ready = true;
}

type WasmModel = { fit(y: Float64Array): void; predict(h: number): { point: number[] }; free(): void };

/** Fits, freeing the wasm model when the fit fails (no forecast will free it then). */
function fitOrFree(m: WasmModel, y: readonly number[]): Fitted {
  try {
    m.fit(Float64Array.from(y));
  } catch (e) {
    m.free();
    throw e;
  }
  return fitted(m);
}

/** The wasm model is freed after its one forecast: wasm memory is not garbage collected. */
function fitted(model: WasmModel): Fitted {
  let used = false;
  return {
    predict: (h) => {
      if (used) throw new Error('a wasm-backed fit forecasts once');
      used = true;
      try {
        return model.predict(h).point;
      } finally {
        model.free();
      }
    },
  };
}

/**
 * MSTL with weekly and yearly seasonality, ETS on the rest: daily data with
 * two years and a day. (On weekly data the yearly period is the one season,
 * which `ets` already covers.)
 */
export const mstl: Model = {
  name: 'mstl',
  minLength: () => 2 * 365 + 1,
  fit: (y) => {
    init();
    return fitOrFree(mstlWasm.MSTL.ets([7, 365]), y);
  },
};

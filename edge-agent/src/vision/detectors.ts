import { loadBottleVision, tilePlanFromText, type BottleVision, type BottleVisionOptions } from '@smartstock/models';
import type { AgentConfig } from '../config/schema.js';

type Loader = (opts: BottleVisionOptions) => Promise<BottleVision>;

/**
 * The explicit detector registry (STYLE #7): no discovery by import side effect.
 * `onnx` is the Vision library's detector + fill model (models/onnx by default).
 */
export const detectors: Record<AgentConfig['vision']['detector'], Loader> = {
  onnx: loadBottleVision,
};

export async function loadDetector(v: AgentConfig['vision']): Promise<BottleVision> {
  return detectors[v.detector]({
    ...(v.modelDir ? { modelDir: v.modelDir } : {}),
    ...(v.threads ? { threads: v.threads } : {}),
    ...(v.scoreThreshold !== undefined ? { scoreThreshold: v.scoreThreshold } : {}),
    ...(v.lying !== undefined ? { lying: v.lying } : {}),
    ...(v.tiles !== undefined ? { tiles: tilePlanFromText(v.tiles) } : {}),
  });
}

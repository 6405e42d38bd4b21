import type { BottleVision, BottleVisionOptions } from '@smartstock/models';
import { afterEach, describe, expect, it } from 'vitest';
import { visionSchema } from '../../src/config/schema.js';
import { detectors, loadDetector } from '../../src/vision/detectors.js';

describe('the agent config reaches the detector', () => {
  const shipped = detectors.onnx;
  afterEach(() => {
    detectors.onnx = shipped;
  });

  it('passes vision.lying (bottles on their side) and the threshold, and leaves unset keys to the model folder', async () => {
    const asked: BottleVisionOptions[] = [];
    detectors.onnx = async (opts) => {
      asked.push(opts);
      return {} as BottleVision;
    };
    await loadDetector(visionSchema.parse({ lying: true, scoreThreshold: 0.4 }));
    await loadDetector(visionSchema.parse({}));
    expect(asked[0]).toMatchObject({ lying: true, scoreThreshold: 0.4 });
    expect(asked[1]).not.toHaveProperty('lying');
    expect(() => visionSchema.parse({ lying: 'yes' })).toThrow(/boolean/);
  });
});

import type { CorrectionExportLine } from '@smartstock/models';
import type { CorrectionWithCrop } from './correction.repository.js';

/**
 * One line of the labelled set. The label is the person's true count (and fills,
 * when given); the model's answer rides along so training can weigh its mistakes.
 * The shape is models/'s (it reads it back), so the two cannot drift apart.
 */
export function exportLine(c: CorrectionWithCrop): string {
  const line: CorrectionExportLine = {
    v: 1,
    id: c.id,
    createdAt: c.createdAt,
    deviceId: c.deviceId,
    cameraId: c.cameraId,
    slotId: c.slotId,
    itemId: c.itemId,
    polygon: c.polygon,
    label: { count: c.trueCount, fills: c.trueFills },
    model:
      c.modelCount === null
        ? null
        : {
            count: c.modelCount,
            fills: c.modelFills,
            confidence: c.modelConfidence,
            observationId: c.observationId,
            at: c.observedAt,
            versions: c.modelVersions,
          },
    note: c.note,
    crop: c.cropJpeg
      ? { jpegBase64: c.cropJpeg.toString('base64'), width: c.crop?.width, height: c.crop?.height, frameAt: c.frameAt }
      : null,
    cropMissing: c.cropMissing,
  };
  return JSON.stringify(line);
}

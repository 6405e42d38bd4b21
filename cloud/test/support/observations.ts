import { uuidv7, type ObservationBatch } from '@smartstock/protocol';

/**
 * A batch of one observation: slot s1 of cam-1 seen now holding `units` of `sku` (as many full
 * bottles as it takes), confident and settled — a shelf reading as the edge sends it after a change.
 */
export function slotSeen(deviceId: string, seq: number, sku: string, units: number): ObservationBatch {
  return {
    v: 1,
    deviceId,
    seq,
    sentAt: new Date().toISOString(),
    observations: [
      {
        id: uuidv7(),
        cameraId: 'cam-1',
        slotId: 's1',
        sku,
        at: new Date().toISOString(),
        count: Math.ceil(units),
        fills: Array.from({ length: Math.ceil(units) }, () => 1),
        units,
        confidence: 0.9,
        state: 'ok',
        reason: 'change',
      },
    ],
  };
}

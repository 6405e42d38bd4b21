/**
 * The vision worker thread: onnxruntime and image decoding run here, so a photo
 * never blocks the cloud's event loop. One model session per worker, loaded on
 * the first photo.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadBottleVision, type BottleVision } from '@smartstock/models';
import type { VisionReply, VisionRequest } from './runner.js';

const opts = workerData as { modelDir?: string; threads: number };
let vision: Promise<BottleVision> | undefined;

parentPort!.on('message', (req: VisionRequest) => {
  void (async () => {
    let reply: VisionReply;
    try {
      // a manager's phone photo, not a camera frame: tiled when large or when small bottles show, and bottles lying in a crate or an ice well looked for
      vision ??= loadBottleVision({ threads: opts.threads, photos: true, ...(opts.modelDir ? { modelDir: opts.modelDir } : {}) });
      const models = await vision;
      reply = { id: req.id, ok: true, analysis: await models.analyze(Buffer.from(req.image)), versions: models.versions };
    } catch (err) {
      const message = (err as Error).message;
      reply = { id: req.id, ok: false, error: message, badImage: /cannot decode image/.test(message) };
    }
    parentPort!.postMessage(reply);
  })();
});

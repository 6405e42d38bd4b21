import { redactUrl } from '@smartstock/runtime';
import { CliError, EXIT, emit, usageError, type Ctx } from '../cli/output.js';
import { findFfmpeg, isLoopback } from '@smartstock/runtime';
import { CameraError } from '../camera/ffmpeg.js';
import { cameraUrlFrom } from '../camera/url-input.js';
import { startPreview } from '../camera/preview.js';

export interface CameraPreviewOptions {
  host: string;
  port: string;
  fps: string;
  transport: 'tcp' | 'udp';
  ffmpeg?: string;
}

/** Serves the preview until Ctrl-C (or the camera stops), then cleans up. */
export async function cameraPreview(ctx: Ctx, options: CameraPreviewOptions, args: string[]): Promise<void> {
  const url = await cameraUrlFrom(args[0]);
  if (!/^(rtsps?|file):\/\//.test(url)) throw usageError('expected an rtsp:// URL');
  if (!isLoopback(options.host))
    throw usageError(`--host ${options.host} is not loopback`, 'the preview shows a live camera without a password: use 127.0.0.1');
  const fps = Number(options.fps);
  if (!(fps > 0 && fps <= 30)) throw usageError('--fps must be between 0 and 30');
  const port = Number(options.port);
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535))
    throw usageError(`--port ${options.port} is not a port: give 0-65535 (0: any free one)`);
  let preview;
  try {
    preview = await startPreview(url, {
      ffmpeg: findFfmpeg(options.ffmpeg),
      host: options.host,
      port,
      fps,
      maxWidth: 1280,
      transport: options.transport,
    });
  } catch (err) {
    if (err instanceof CameraError) throw new CliError(err.message, EXIT.failure, err.fix);
    throw err;
  }
  ctx.note(`Preview of ${redactUrl(url)} at ${preview.url} — open it in a browser; Ctrl-C stops.`);
  const stop = new Promise<'signal'>((resolve) => {
    process.once('SIGINT', () => resolve('signal'));
    process.once('SIGTERM', () => resolve('signal'));
  });
  const why = await Promise.race([stop, preview.ended]);
  const frames = preview.frames();
  await preview.close();
  if (why !== 'signal')
    throw new CliError(
      `the camera stream stopped after ${frames} frames: ${redactUrl(why) || 'no error given'}`,
      EXIT.failure,
      'check the camera with `camera probe`',
    );
  emit(ctx, { url: preview.url, frames }, () => `Preview stopped after ${frames} frames.`);
}

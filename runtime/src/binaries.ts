import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';

/** The first executable file called `name` in `path` (PATH by default), or undefined. */
export function onPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here: the next folder
    }
  }
  return undefined;
}

/**
 * Which ffmpeg every SmartStock program, script and test runs, by one rule:
 * the path given (a flag or a config key), else SMARTSTOCK_FFMPEG, else the
 * first `ffmpeg` on PATH (the system's: current codecs, hardware decoders),
 * else the static build npm installed with @ffmpeg-installer/ffmpeg, so a
 * machine with nothing but Node runs the cameras and the tests.
 */
export function findFfmpeg(explicit?: string): string {
  const chosen = explicit || process.env.SMARTSTOCK_FFMPEG || onPath('ffmpeg');
  if (chosen) return chosen;
  try {
    return (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  } catch (e) {
    throw new Error(
      `no ffmpeg: none on PATH, and the npm build is missing (${(e as Error).message}); run npm install, or set SMARTSTOCK_FFMPEG`,
    );
  }
}

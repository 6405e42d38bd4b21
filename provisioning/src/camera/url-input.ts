import { createInterface } from 'node:readline';
import { usageError } from '../cli/output.js';

/** Where `camera probe` and `camera preview` look for the camera's URL when the command line does not carry it. */
export const CAMERA_URL_ENV = 'SMARTSTOCK_CAMERA_URL';

/** How the help and the error put it: the three ways to give the URL. */
export const CAMERA_URL_WAYS = `the URL as the argument, \`-\` to read it from stdin (one line), or ${CAMERA_URL_ENV}`;

/** The first line of a stream ('' when it ends without one); the rest is left unread. */
export function readFirstLine(input: NodeJS.ReadableStream = process.stdin): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input, terminal: false, crlfDelay: Infinity });
    let first: string | undefined;
    lines.once('line', (line) => {
      first = line;
      lines.close();
    });
    lines.once('close', () => resolve(first ?? ''));
    input.once('error', reject);
  });
}

/**
 * The camera's URL: the positional argument, or with `-` the first line of stdin, or with none the
 * environment. A URL carries the camera's password, and a program's arguments are any local user's to
 * read (`ps`, /proc/<pid>/cmdline): stdin and the environment keep it off the command line.
 */
export async function cameraUrlFrom(
  given: string | undefined,
  readLine: () => Promise<string> = readFirstLine,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  if (given === '-') {
    const line = (await readLine()).trim();
    if (!line)
      throw usageError(
        '`-` reads the camera URL from stdin, which gave no line',
        `e.g. printf '%s\\n' "$CAMERA_URL" | smartstock-provision camera probe -`,
      );
    return line;
  }
  const url = given ?? env[CAMERA_URL_ENV]?.trim();
  if (!url) throw usageError('no camera URL', `give ${CAMERA_URL_WAYS}`);
  return url;
}

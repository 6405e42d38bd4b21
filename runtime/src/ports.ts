import { createServer } from 'node:net';

/**
 * A port that another program holds. Whatever listens turns EADDRINUSE into
 * this, naming the setting (a config key) that moves the port; a program's
 * main() prints one line that says how to move it and exits 2, the same code
 * as a bad configuration, instead of dying on an unhandled error's stack.
 */
export class PortInUseError extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
    readonly key: string,
  ) {
    super(`port ${port} on ${host} is in use (${key})`);
    this.name = 'PortInUseError';
  }
}

/** A listen() failure as a PortInUseError when the port is taken; any other error as it was. */
export function listenError(e: unknown, key: string, host: string, port: number): unknown {
  return (e as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE' ? new PortInUseError(host, port, key) : e;
}

/** Fails with a PortInUseError when `port` on `host` is taken now; 0 (any free port) always passes. */
export async function assertPortFree(host: string, port: number, key: string): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (err) => reject(listenError(err, key, host, port)));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/**
 * For a program's main(): run `start`; a port in use prints one line naming it and
 * `moveWith[key]` (the flag or environment variable that moves it), runs `cleanup`,
 * and exits 2. Any other error passes through.
 */
export async function exitOnPortInUse<T>(
  start: () => Promise<T>,
  moveWith: Record<string, string>,
  cleanup: () => Promise<void> = async () => undefined,
): Promise<T> {
  try {
    return await start();
  } catch (e) {
    if (!(e instanceof PortInUseError)) throw e;
    process.stderr.write(`${portInUseLine(e, moveWith)}\n`);
    await cleanup().catch(() => undefined);
    process.exit(2);
  }
}

export function portInUseLine(e: PortInUseError, moveWith: Record<string, string>): string {
  return `port ${e.port} on ${e.host} is already in use: stop what holds it, or choose another port with ${moveWith[e.key] ?? e.key}`;
}

import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';

export type FfmpegChild = ChildProcessByStdio<null, Readable, Readable>;

const living = new Set<{ kill(signal: NodeJS.Signals): boolean }>();
// last resort when the agent exits without stopping its cameras (an uncaught error): no ffmpeg outlives it
process.once('exit', () => {
  for (const c of living) c.kill('SIGKILL');
});

/** A pipe of the child beyond stdout and stderr (file descriptor 3, 4, …), opened by spawnFfmpeg's extraPipes. */
export function pipeOf(child: FfmpegChild, fd: number): Readable {
  const p = child.stdio[fd];
  if (!p || !('on' in p)) throw new Error(`ffmpeg child has no pipe ${fd}`);
  return p as Readable;
}

/**
 * ffmpeg gets its own process group: a Ctrl-C in the terminal reaches the agent only, and
 * the agent stops its cameras in order instead of seeing every stream "fail" at once.
 */
export function spawnFfmpeg(path: string, args: string[], extraPipes = 0): FfmpegChild {
  const stdio: ('ignore' | 'pipe')[] = ['ignore', ...Array<'pipe'>(2 + extraPipes).fill('pipe')];
  const child = spawn(path, args, { stdio, detached: true }) as FfmpegChild;
  living.add(child);
  child.once('exit', () => living.delete(child));
  return child;
}

/** SIGTERM, wait up to graceMs for ffmpeg to close its streams, then SIGKILL (frigate stop_ffmpeg). */
export async function stopProcess(child: FfmpegChild, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

import { execFileSync, spawn, type ChildProcessByStdio } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync, unlinkSync } from 'node:fs';
import { Socket, type SocketConstructorOpts, type OnReadOpts } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { FfmpegCommand } from './ffmpeg-args.js';

/** stdin is null unless ffmpeg reads its input script there; stdout is null where spawnFfmpeg handed ffmpeg a FIFO as its stdout. */
export type FfmpegChild = ChildProcessByStdio<Writable | null, Readable | null, Readable>;

const living = new Set<{ kill(signal: NodeJS.Signals): boolean }>();
// last resort when the agent exits without stopping its cameras (an uncaught error): no ffmpeg outlives it
process.once('exit', () => {
  for (const c of living) c.kill('SIGKILL');
});

/** A pipe of the child (stdout, or file descriptor 3, 4, …), opened by spawnFfmpeg. */
export function pipeOf(child: FfmpegChild, fd: number): Readable {
  const pipe = child.stdio[fd];
  if (!pipe || !('on' in pipe)) throw new Error(`ffmpeg child has no pipe ${fd}`);
  return pipe as Readable;
}

/**
 * The one buffer every picture pipe is read into. A pipe holds 64 KB, so no read returns more; the bytes
 * are copied out (into the picture's buffer, by the splitters) before the next read of any pipe can happen.
 */
const readBuffer = Buffer.allocUnsafeSlow(64 * 1024);

/** The agent's end of one of ffmpeg's picture streams: ffmpeg writes `childFd`, `reader` hands each read to onChunk. */
export interface FramePipe {
  childFd: number;
  reader: Socket;
}

/**
 * A FIFO for one of ffmpeg's picture streams (the JPEGs on fd 1, the raw pictures on fd 3, 4). A spawn
 * pipe hands every 64 KB read over in a buffer of its own: 16 allocations for each 1 MB frame, tens of MB
 * a second at 32 cameras, and V8 answers that external memory with a full garbage collection every second
 * or so. Read through onread, every read lands in one reused buffer. Null where no FIFO can be made (no
 * mkfifo): the caller reads a spawn pipe.
 */
export function openFramePipe(onChunk: (chunk: Buffer) => void): FramePipe | null {
  let readFd = -1;
  let childFd = -1;
  let dir = '';
  try {
    // a folder of its own, gone with the FIFO as soon as both ends are open: nothing is left behind
    dir = mkdtempSync(join(tmpdir(), 'smartstock-frame-'));
    const path = join(dir, 'fifo');
    execFileSync('mkfifo', ['-m', '600', path], { stdio: 'ignore' });
    try {
      // the reader first and non-blocking, so that opening the writer does not wait for one
      readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
      childFd = openSync(path, constants.O_WRONLY);
      const onread: OnReadOpts = {
        buffer: readBuffer,
        callback: (n) => {
          onChunk(readBuffer.subarray(0, n));
          return true;
        },
      };
      const reader = new Socket({ fd: readFd, readable: true, writable: false, onread } as SocketConstructorOpts);
      reader.on('error', () => {}); // ffmpeg's exit and stderr tell what went wrong
      return { childFd, reader };
    } finally {
      unlinkSync(path);
    }
  } catch {
    if (childFd >= 0) closeSync(childFd);
    if (readFd >= 0) closeSync(readFd);
    return null;
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * ffmpeg gets its own process group: a Ctrl-C in the terminal reaches the agent only, and
 * the agent stops its cameras in order instead of seeing every stream "fail" at once.
 * `extra` is how many pipes to open beyond stdout and stderr (fd 3, 4, …), or the file descriptors
 * to hand over as those (FramePipe.childFd); `stdout` likewise replaces the stdout pipe (child.stdout is
 * then null). The child gets them, and the agent's copies are closed.
 */
export function spawnFfmpeg(path: string, command: FfmpegCommand, extra: number | readonly number[] = 0, stdout?: number): FfmpegChild {
  const fds = typeof extra === 'number' ? Array<'pipe'>(extra).fill('pipe') : extra;
  const stdin = command.stdin === undefined ? 'ignore' : 'pipe';
  const stdio: ('ignore' | 'pipe' | number)[] = [stdin, stdout ?? 'pipe', 'pipe', ...fds];
  try {
    const child = spawn(path, command.args, { stdio, detached: true }) as FfmpegChild;
    living.add(child);
    child.once('exit', () => living.delete(child));
    if (command.stdin !== undefined && child.stdin) {
      child.stdin.on('error', () => {}); // an ffmpeg that dies before reading it says why on stderr and by its exit
      child.stdin.end(command.stdin);
    }
    return child;
  } finally {
    for (const fd of [stdout, ...fds]) if (typeof fd === 'number') closeSync(fd);
  }
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

/**
 * Child processes of the fault suite: each in its own process group, so a
 * SIGKILL takes its whole tree (tsx's loader, ffmpeg children) and nothing
 * outlives the runner, whether it passes, fails or is interrupted.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export interface Proc {
  name: string;
  child: ChildProcess;
  /** Resolves with the exit code or signal name. */
  exited: Promise<string>;
  /** The last lines of stdout and stderr together, for a failure report. */
  tail(lines?: number): string;
  /** Calls `fn` for every complete output line (stdout and stderr). */
  onLine(fn: (line: string) => void): void;
  alive(): boolean;
  /** Signals the whole group and waits for the exit; SIGKILL after `graceMs` for softer signals. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<string>;
}

const running = new Set<Proc>();
/** The latest process of each name, dead or alive, for the failure report. */
const latest = new Map<string, Proc>();

export function startProc(name: string, cmd: string, args: string[], opts: SpawnOptions = {}): Proc {
  const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const ring: string[] = [];
  const listeners: ((l: string) => void)[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    let partial = '';
    stream.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop()!;
      for (const l of lines) {
        ring.push(l);
        if (ring.length > 400) ring.shift();
        for (const fn of listeners) fn(l);
      }
    });
  }
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(proc);
      resolve(signal ?? String(code));
    }),
  );
  const alive = () => child.exitCode === null && child.signalCode === null;
  const signalGroup = (s: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, s);
    } catch {
      // the group is already gone
    }
  };
  const proc: Proc = {
    name,
    child,
    exited,
    alive,
    tail: (n = 40) => ring.slice(-n).join('\n'),
    onLine: (fn) => listeners.push(fn),
    async stop(signal = 'SIGTERM', graceMs = 10_000) {
      if (!alive()) return exited;
      signalGroup(signal);
      if (signal !== 'SIGKILL') {
        const t = setTimeout(() => signalGroup('SIGKILL'), graceMs);
        const r = await exited;
        clearTimeout(t);
        return r;
      }
      const r = await exited;
      // the leader died first; its children (ffmpeg) get the same signal through the group
      signalGroup('SIGKILL');
      return r;
    },
  };
  running.add(proc);
  latest.set(name, proc);
  return proc;
}

/** Resolves when a line matches, rejects if the process exits first or `ms` pass. */
export function waitForLine(p: Proc, match: (l: string) => boolean, ms: number, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${p.name}: no ${what} within ${ms} ms\n${p.tail()}`)), ms);
    p.onLine((l) => {
      if (match(l)) {
        clearTimeout(t);
        resolve(l);
      }
    });
    void p.exited.then((r) => {
      clearTimeout(t);
      reject(new Error(`${p.name} exited (${r}) before ${what}\n${p.tail()}`));
    });
  });
}

export function killAll(): void {
  for (const p of running) {
    try {
      process.kill(-p.child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

export function tails(): string {
  return [...latest.values()].map((p) => `--- ${p.name} (last lines) ---\n${p.tail(25)}`).join('\n');
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS = 100; // USER_HZ on Linux

/** CPU seconds used so far by this process (every thread) and by its live children (the ffmpeg per camera). */
export function cpuSeconds(): { own: number; children: number; total: number } {
  const u = process.cpuUsage();
  const own = (u.user + u.system) / 1e6;
  let kids: string[] = [];
  try {
    kids = execFileSync('ps', ['-o', 'pid=', '--ppid', String(process.pid)], { encoding: 'utf8' })
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);
  } catch {
    kids = [];
  }
  let children = 0;
  for (const pid of kids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      children += (Number(f[11]) + Number(f[12])) / TICKS; // utime, stime
    } catch {
      // exited between ps and read
    }
  }
  return { own, children, total: own + children };
}

/**
 * CPU seconds so far of each thread of this process, by thread id: the main thread (JavaScript, and
 * onnxruntime's run with 1 thread) and the others (V8's garbage collection and compiler helpers, libuv's
 * pool, libvips'). Linux only: empty elsewhere.
 */
export function threadSeconds(): Map<string, number> {
  const out = new Map<string, number>();
  let tasks: string[] = [];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const t of tasks) {
    try {
      const f = readFileSync(`/proc/self/task/${t}/stat`, 'utf8').split(') ')[1]!.split(' ');
      out.set(t, (Number(f[11]) + Number(f[12])) / TICKS);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

/** CPU seconds between two threadSeconds() of the main thread and of the others (a thread gone by the end is left out). */
function threadsBetween(a: Map<string, number>, b: Map<string, number>): { main: number; others: number } {
  let main = 0;
  let others = 0;
  for (const [t, secs] of b) {
    const d = secs - (a.get(t) ?? 0);
    if (t === String(process.pid)) main += d;
    else others += d;
  }
  return { main, others };
}

export interface CpuWindow {
  seconds: number;
  /** CPU seconds in the window: this process, its children */
  own: number;
  children: number;
  /** CPU seconds in the window of this process' main thread and of its other threads */
  mainThread: number;
  otherThreads: number;
  /** % of `cores`, all together */
  percent: number;
}

/** Measures CPU over a window; children that start or stop inside it are counted only while alive. */
export async function cpuOver(ms: number, cores: number): Promise<CpuWindow> {
  const c0 = cpuSeconds();
  const th0 = threadSeconds();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const c1 = cpuSeconds();
  const th1 = threadSeconds();
  const seconds = (performance.now() - t0) / 1000;
  const own = c1.own - c0.own;
  const children = c1.children - c0.children;
  const th = threadsBetween(th0, th1);
  return {
    seconds,
    own,
    children,
    mainThread: th.main,
    otherThreads: th.others,
    percent: ((own + children) / seconds / cores) * 100,
  };
}

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
 * CPU seconds of this process' main thread (JavaScript, and onnxruntime's run with 1 thread) and of
 * its other threads (V8's garbage collection and compiler helpers, libuv's pool). Linux only: zeros elsewhere.
 */
export function threadSeconds(): { main: number; others: number } {
  let main = 0;
  let others = 0;
  let tasks: string[] = [];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return { main, others };
  }
  for (const t of tasks) {
    try {
      const s = readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      const secs = (Number(f[11]) + Number(f[12])) / TICKS;
      if (t === String(process.pid)) main += secs;
      else others += secs;
    } catch {
      // the thread ended between the listing and the read
    }
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
  return {
    seconds,
    own,
    children,
    mainThread: th1.main - th0.main,
    otherThreads: th1.others - th0.others,
    percent: ((own + children) / seconds / cores) * 100,
  };
}

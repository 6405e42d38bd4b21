import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

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

export interface CpuWindow {
  seconds: number;
  /** CPU seconds in the window: this process, its children */
  own: number;
  children: number;
  /** % of `cores`, all together */
  percent: number;
}

/** Measures CPU over a window; children that start or stop inside it are counted only while alive. */
export async function cpuOver(ms: number, cores: number): Promise<CpuWindow> {
  const c0 = cpuSeconds();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const c1 = cpuSeconds();
  const seconds = (performance.now() - t0) / 1000;
  const own = c1.own - c0.own;
  const children = c1.children - c0.children;
  return { seconds, own, children, percent: ((own + children) / seconds / cores) * 100 };
}

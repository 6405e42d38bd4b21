import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TICKS = 100; // USER_HZ on Linux

/** CPU seconds used so far by this process and its live children (the ffmpeg per camera). */
export function cpuSeconds(): number {
  const own = process.cpuUsage();
  let total = (own.user + own.system) / 1e6;
  let kids: string[] = [];
  try {
    kids = execFileSync('ps', ['-o', 'pid=', '--ppid', String(process.pid)], { encoding: 'utf8' })
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);
  } catch {
    kids = [];
  }
  for (const pid of kids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      total += (Number(f[11]) + Number(f[12])) / TICKS; // utime, stime
    } catch {
      // exited between ps and read
    }
  }
  return total;
}

/** Measures CPU % of `cores` over a window; children that start or stop inside it are counted only while alive. */
export async function cpuPercentOver(ms: number, cores: number): Promise<number> {
  const c0 = cpuSeconds();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const c1 = cpuSeconds();
  return ((c1 - c0) / ((performance.now() - t0) / 1000) / cores) * 100;
}

/** What tests of several workspaces read about processes (not part of the runtime's API). */
import { readdirSync, readFileSync } from 'node:fs';

/** Every process's arguments, as `ps -ef` shows them, by process id. */
export function commandLines(): Map<number, string> {
  const out = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      out.set(Number(entry), readFileSync(`/proc/${entry}/cmdline`, 'latin1').replaceAll('\0', ' '));
    } catch {
      // gone since the listing
    }
  }
  return out;
}

/** The command lines of this process's children, as they are now. */
export function childCommandLines(): string[] {
  return [...commandLines()]
    .filter(([pid]) => {
      try {
        return Number(readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]!.split(' ')[1]) === process.pid;
      } catch {
        return false;
      }
    })
    .map(([, line]) => line);
}

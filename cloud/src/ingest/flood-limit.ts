import type { Logger } from '@smartstock/runtime';

const WINDOW_MS = 60_000;
/** Devices tracked at once before finished windows are swept: bounded memory however many ids flood. */
const SWEEP_AT = 10_000;

export interface DeadLetterLimit {
  /** true: store this dead letter; false: over the device's limit this minute, only counted */
  admit(deviceId: string | null): boolean;
}

/**
 * At most `perMinute` dead letters stored per device per minute: a device sending garbage as fast
 * as it can must not fill the database. What is over the limit is counted and logged once per
 * device and window, not stored. Per instance: with several instances each keeps its own count.
 */
export function deadLetterLimit(perMinute: number, logger: Logger, now: () => number = Date.now): DeadLetterLimit {
  const log = logger.child({ module: 'dead-letters' });
  const windows = new Map<string, { start: number; stored: number; dropped: number }>();
  const close = (key: string, w: { stored: number; dropped: number }) => {
    if (w.dropped)
      log.warn({ deviceId: key, stored: w.stored, dropped: w.dropped, perMinute }, 'device flooding: dead letters counted, not stored');
  };
  return {
    admit(deviceId) {
      const key = deviceId ?? '(no device)';
      const t = now();
      let w = windows.get(key);
      if (!w || t - w.start >= WINDOW_MS) {
        if (w) close(key, w);
        if (windows.size >= SWEEP_AT)
          for (const [k, old] of windows) {
            if (t - old.start < WINDOW_MS) continue;
            close(k, old);
            windows.delete(k);
          }
        w = { start: t, stored: 0, dropped: 0 };
        windows.set(key, w);
      }
      if (w.stored < perMinute) {
        w.stored++;
        return true;
      }
      w.dropped++;
      return false;
    },
  };
}

import type { CameraHealth } from '@smartstock/protocol';
import { backoffDelay } from '../backoff.js';
import { AUTH_FAILED } from './stderr-ring.js';

/**
 * The camera supervisor's brain, kept pure so it can be tested with a fake
 * clock (frigate CameraWatchdog, minus the untested 275-line run()).
 * camera.ts owns the process and feeds this what happened.
 */
export interface WatchState {
  phase: 'stopped' | 'running' | 'backoff';
  /** When the current ffmpeg was spawned. */
  startedAt: number | null;
  /** The last frame from any run; survives restarts so "stale" can be told from "connecting". */
  lastFrameAt: number | null;
  /** Set by the shell when the running ffmpeg exits on its own. */
  exited: { at: number; code: number | null; summary: string } | null;
  /** Consecutive runs that ended without a single frame. */
  attempts: number;
  backoffUntil: number;
  /** Why the last run ended, in plain words. */
  reason: string | null;
}

export interface WatchOptions {
  staleAfterMs: number;
  backoffMinMs: number;
  backoffMaxMs: number;
  failAfterAttempts: number;
  /**
   * How long a run must stream before it counts as healthy. A camera that gives one frame and
   * drops (a flaky link, a camera rebooting in a loop) would otherwise reset the ladder on every
   * run and be restarted every second forever.
   */
  stableRunMs?: number;
  /**
   * How long a fresh ffmpeg may take to its first frame. Connecting and probing a slow stream take
   * longer than the gap between two frames: ffmpeg reads up to 5 s of a 2 fps camera before it
   * decodes one, so a short staleAfter alone would restart it before it could ever deliver.
   */
  firstFrameMs?: number;
  /**
   * The wait after the camera refused the user or password. A wrong password does not fix itself, and
   * cameras lock the account (or our address) after a few failed logins: Hikvision and Dahua after 5,
   * for 30 minutes, locking out the bar's own NVR too. A corrected password arrives as a new config,
   * which starts a fresh camera at once, so waiting long costs nothing.
   */
  authRetryMs?: number;
  random?: () => number;
}

export type Decision =
  | { action: 'ok' }
  | { action: 'start' }
  /** Kill the running ffmpeg (it is hung), then wait delayMs. */
  | { action: 'restart'; reason: string; delayMs: number }
  /** ffmpeg is gone already: wait delayMs before the next start. */
  | { action: 'backoff'; reason: string; delayMs: number };

export function initialWatchState(): WatchState {
  return { phase: 'stopped', startedAt: null, lastFrameAt: null, exited: null, attempts: 0, backoffUntil: 0, reason: null };
}

export function decide(s: WatchState, now: number, options: WatchOptions): Decision {
  if (s.phase === 'stopped') return { action: 'ok' };
  if (s.phase === 'backoff') return now >= s.backoffUntil ? { action: 'start' } : { action: 'ok' };
  // A run that streamed steadily resets the ladder: the next try comes after the shortest wait.
  const attempt = ranStable(s, options) ? 0 : s.attempts;
  const delayMs = backoffDelay(attempt, options.backoffMinMs, options.backoffMaxMs, options.random);
  if (s.exited) {
    const authFailed = s.exited.summary === AUTH_FAILED;
    return { action: 'backoff', reason: s.exited.summary, delayMs: authFailed ? Math.max(delayMs, options.authRetryMs ?? 0) : delayMs };
  }
  const since = Math.max(s.startedAt ?? now, s.lastFrameAt ?? 0);
  const firstFrame = !framedThisRun(s);
  const limit = firstFrame ? Math.max(options.staleAfterMs, options.firstFrameMs ?? 0) : options.staleAfterMs;
  if (now - since > limit) {
    const secs = Math.round((now - since) / 1000);
    return { action: 'restart', reason: firstFrame ? `no first frame after ${secs} s` : `no frame for ${secs} s`, delayMs };
  }
  return { action: 'ok' };
}

/** The state after the shell carried out a restart or backoff decision. */
export function enterBackoff(s: WatchState, now: number, backoff: { reason: string; delayMs: number }, options: WatchOptions): WatchState {
  const attempts = ranStable(s, options) ? 1 : s.attempts + 1;
  return {
    ...s,
    phase: 'backoff',
    exited: null,
    startedAt: null,
    // a refused password shows `failed` at once: no number of retries will fix it
    attempts: backoff.reason === AUTH_FAILED ? Math.max(attempts, options.failAfterAttempts) : attempts,
    backoffUntil: now + backoff.delayMs,
    reason: backoff.reason,
  };
}

export function enterRunning(s: WatchState, now: number): WatchState {
  return { ...s, phase: 'running', startedAt: now, exited: null };
}

export function onFrame(s: WatchState, now: number): WatchState {
  return { ...s, lastFrameAt: now, reason: null };
}

/** Whether the current run has delivered a frame (lastFrameAt survives restarts, so it may be an earlier run's). */
function framedThisRun(s: WatchState): s is WatchState & { lastFrameAt: number; startedAt: number } {
  return s.lastFrameAt !== null && s.startedAt !== null && s.lastFrameAt >= s.startedAt;
}

/** Whether the current run has streamed for at least stableRunMs (0 when unset: any frame will do). */
function ranStable(s: WatchState, options: WatchOptions): boolean {
  return framedThisRun(s) && s.lastFrameAt - s.startedAt >= (options.stableRunMs ?? 0);
}

/** What status and /metrics say about the camera right now. */
export function cameraState(s: WatchState, now: number, options: WatchOptions): Pick<CameraHealth, 'state' | 'reason'> {
  if (s.phase === 'stopped') return { state: 'disabled' };
  if (s.lastFrameAt !== null && now - s.lastFrameAt <= options.staleAfterMs && s.phase === 'running') return { state: 'streaming' };
  const reason = s.reason ?? undefined;
  if (s.attempts >= options.failAfterAttempts) return { state: 'failed', reason: reason ?? 'no frames' };
  if (s.lastFrameAt !== null) return { state: 'stale', reason: reason ?? 'no recent frame' };
  return reason ? { state: 'connecting', reason } : { state: 'connecting' };
}

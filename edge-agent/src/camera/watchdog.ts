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
  /** What the runs decode: `keyframes` (-skip_frame nokey) until a camera's keyframes prove too far apart. */
  decodes: 'keyframes' | 'every-frame';
  /** The video packets of the current run, as ffmpeg lists them (packet-lines.ts); null when it does not. */
  packets: { lastAt: number | null; keyframesAt: number[] } | null;
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
  /**
   * A keyframes-only run that sees video packets arrive but gets no picture within the limits is not hung:
   * the camera's keyframes are further apart than the limits ("smart codec" cameras, a long GOP at a low
   * frame rate). Restarting it cannot help, so the next runs decode every frame instead.
   */
  keyframesFallback?: boolean;
  /**
   * How long a run decoding every frame may wait, beyond its first-frame limit, for the keyframe that its
   * first picture needs while packets keep arriving: the longest keyframe interval we expect of a camera.
   */
  keyframeWaitMs?: number;
  random?: () => number;
}

export type Decision =
  | { action: 'ok' }
  | { action: 'start' }
  /** Kill the running ffmpeg (it is hung), then wait delayMs. */
  | { action: 'restart'; reason: string; delayMs: number }
  /** ffmpeg is gone already: wait delayMs before the next start. */
  | { action: 'backoff'; reason: string; delayMs: number }
  /** The camera's keyframes are further apart than the limits: stop this run and decode every frame from now on. */
  | { action: 'every-frame'; reason: string; waitedS: number };

export function initialWatchState(decodes: WatchState['decodes'] = 'keyframes'): WatchState {
  return {
    phase: 'stopped',
    startedAt: null,
    lastFrameAt: null,
    exited: null,
    attempts: 0,
    backoffUntil: 0,
    reason: null,
    decodes,
    packets: null,
  };
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
    if (sparseKeyframes(s, now, since, options))
      return { action: 'every-frame', reason: `keyframes more than ${secs} s apart`, waitedS: secs };
    if (firstFrame && awaitingKeyframe(s, now, limit, options)) return { action: 'ok' };
    return { action: 'restart', reason: firstFrame ? `no first frame after ${secs} s` : `no frame for ${secs} s`, delayMs };
  }
  return { action: 'ok' };
}

/** Whether a video packet arrived lately: the camera is sending, so the run is not hung. */
function packetsFlowing(s: WatchState, now: number, options: WatchOptions): boolean {
  const last = s.packets?.lastAt ?? null;
  return last !== null && now - last <= Math.min(options.staleAfterMs, 5000);
}

function keyframesSince(s: WatchState, since: number): number {
  return s.packets?.keyframesAt.filter((at) => at >= since).length ?? 0;
}

/**
 * A keyframes-only run with no picture since `since` although packets keep arriving, and at most one
 * keyframe among them: the fps filter hands a picture on once the next one comes, so a run needs two
 * keyframes to its first picture and one to each later one. More keyframes and still no picture is
 * something else, restarted as before.
 */
function sparseKeyframes(s: WatchState, now: number, since: number, options: WatchOptions): boolean {
  if (!options.keyframesFallback || s.decodes !== 'keyframes') return false;
  return packetsFlowing(s, now, options) && keyframesSince(s, since) <= 1;
}

/**
 * A run decoding every frame still needs a keyframe to its first picture: the frames before it refer to
 * pictures it never had. While packets keep coming and none was a keyframe, it waits for one (up to
 * keyframeWaitMs more); a camera that stops sending is restarted as before.
 */
function awaitingKeyframe(s: WatchState, now: number, limit: number, options: WatchOptions): boolean {
  if (s.decodes !== 'every-frame' || !options.keyframeWaitMs || s.startedAt === null) return false;
  if (now - s.startedAt > limit + options.keyframeWaitMs) return false;
  return packetsFlowing(s, now, options) && keyframesSince(s, s.startedAt) === 0;
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

/** A fresh run; `listsPackets`: its ffmpeg lists the video packets (onPacket), so sparse keyframes can be told from a stall. */
export function enterRunning(s: WatchState, now: number, listsPackets = false): WatchState {
  return { ...s, phase: 'running', startedAt: now, exited: null, packets: listsPackets ? { lastAt: null, keyframesAt: [] } : null };
}

/** The state after the shell stopped a run for an every-frame decision: the next run starts at once, not counted as a failed attempt. */
export function enterEveryFrame(s: WatchState, now: number, reason: string): WatchState {
  return { ...s, phase: 'backoff', exited: null, startedAt: null, backoffUntil: now, reason, decodes: 'every-frame', packets: null };
}

export function onFrame(s: WatchState, now: number): WatchState {
  return { ...s, lastFrameAt: now, reason: null };
}

export function onPacket(s: WatchState, now: number, key: boolean): WatchState {
  if (!s.packets) return s;
  // a few keyframe times are all decide() counts (at most two since the last picture)
  const keyframesAt = key ? [...s.packets.keyframesAt.slice(-3), now] : s.packets.keyframesAt;
  return { ...s, packets: { lastAt: now, keyframesAt } };
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

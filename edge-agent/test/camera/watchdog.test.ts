import { describe, expect, it } from 'vitest';
import {
  cameraState,
  decide,
  enterBackoff,
  enterEveryFrame,
  enterRunning,
  initialWatchState,
  onFrame,
  onPacket,
  type WatchOptions,
  type WatchState,
} from '../../src/camera/watchdog.js';
import { AUTH_FAILED } from '../../src/camera/stderr-ring.js';

const o: WatchOptions = { staleAfterMs: 20_000, backoffMinMs: 1000, backoffMaxMs: 60_000, failAfterAttempts: 3, random: () => 1 };

describe('camera watchdog', () => {
  it('is connecting until the first frame, then streaming', () => {
    let s = enterRunning(initialWatchState(), 0);
    expect(cameraState(s, 1000, o).state).toBe('connecting');
    s = onFrame(s, 2000);
    expect(decide(s, 3000, o)).toEqual({ action: 'ok' });
    expect(cameraState(s, 3000, o).state).toBe('streaming');
  });

  it('restarts a camera with no frame for staleAfter, and shows it stale', () => {
    let s = onFrame(enterRunning(initialWatchState(), 0), 1000);
    expect(decide(s, 21_000, o).action).toBe('ok');
    const d = decide(s, 21_001, o);
    expect(d).toMatchObject({ action: 'restart', reason: 'no frame for 20 s', delayMs: 1000 });
    s = enterBackoff(s, 21_001, d as { reason: string; delayMs: number }, o);
    expect(cameraState(s, 21_001, o)).toEqual({ state: 'stale', reason: 'no frame for 20 s' });
    expect(decide(s, 22_000, o).action).toBe('ok');
    expect(decide(s, 22_001, o).action).toBe('start');
  });

  it('gives a fresh run firstFrameMs to its first frame, then holds it to staleAfter', () => {
    const fo = { ...o, staleAfterMs: 5000, firstFrameMs: 15_000 };
    let s = enterRunning(initialWatchState(), 0);
    // a 2 fps camera: ffmpeg probes ~5 s before the first frame; staleAfter alone would kill it at 5 s
    expect(decide(s, 14_000, fo).action).toBe('ok');
    expect(decide(s, 15_001, fo)).toMatchObject({ action: 'restart', reason: 'no first frame after 15 s' });
    s = onFrame(s, 6000);
    expect(decide(s, 11_000, fo).action).toBe('ok');
    expect(decide(s, 11_001, fo)).toMatchObject({ action: 'restart', reason: 'no frame for 5 s' });
    // the next run is fresh again: the frame of the run before does not count
    s = enterRunning(enterBackoff(s, 11_001, { reason: 'x', delayMs: 10 }, fo), 12_000);
    expect(decide(s, 26_000, fo).action).toBe('ok');
    expect(decide(s, 27_001, fo).action).toBe('restart');
  });

  it('backs off exponentially to the cap while runs produce nothing, then shows failed', () => {
    let s = enterRunning(initialWatchState(), 0);
    let now = 0;
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      s = { ...s, exited: { at: now, code: 1, summary: 'connection refused: camera offline or wrong port' } };
      const d = decide(s, now, o);
      expect(d.action).toBe('backoff');
      delays.push((d as { delayMs: number }).delayMs);
      s = enterBackoff(s, now, d as { reason: string; delayMs: number }, o);
      now = s.backoffUntil;
      expect(decide(s, now, o).action).toBe('start');
      s = enterRunning(s, now);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    expect(cameraState({ ...s, phase: 'backoff' }, now, o)).toEqual({
      state: 'failed',
      reason: 'connection refused: camera offline or wrong port',
    });
  });

  it('after a refused password shows failed at once and waits authRetryMs, not the short ladder (cameras lock the account)', () => {
    const ao = { ...o, authRetryMs: 300_000 };
    let s = enterRunning(initialWatchState(), 0);
    s = { ...s, exited: { at: 500, code: 1, summary: AUTH_FAILED } };
    const d = decide(s, 500, ao);
    expect(d).toEqual({ action: 'backoff', reason: AUTH_FAILED, delayMs: 300_000 });
    s = enterBackoff(s, 500, d as { reason: string; delayMs: number }, ao);
    expect(cameraState(s, 600, ao)).toEqual({ state: 'failed', reason: AUTH_FAILED });
    expect(decide(s, 299_000, ao).action).toBe('ok');
    expect(decide(s, 300_500, ao).action).toBe('start');
    // anything else keeps the short ladder
    const other = { ...enterRunning(initialWatchState(), 0), exited: { at: 0, code: 1, summary: 'timed out talking to the camera' } };
    expect(decide(other, 0, ao)).toMatchObject({ delayMs: 1000 });
  });

  it('jitters the delay between half and all of it', () => {
    const s = { ...enterRunning(initialWatchState(), 0), attempts: 3, exited: { at: 0, code: 1, summary: 'x' } };
    expect(decide(s, 0, { ...o, random: () => 0 })).toMatchObject({ delayMs: 4000 });
    expect(decide(s, 0, { ...o, random: () => 1 })).toMatchObject({ delayMs: 8000 });
  });

  it('resets the ladder after a run that streamed', () => {
    let s = { ...enterRunning(initialWatchState(), 0), attempts: 5 };
    s = onFrame(s, 10);
    s = { ...s, exited: { at: 100, code: 0, summary: 'ffmpeg exited (0)' } };
    expect(decide(s, 100, o)).toMatchObject({ action: 'backoff', delayMs: 1000 });
    expect(cameraState(enterBackoff(s, 100, { reason: 'x', delayMs: 1000 }, o), 100, o).state).toBe('stale');
  });

  it('keeps backing off a camera that gives a frame and drops, until a run streams for stableRunMs', () => {
    const so = { ...o, stableRunMs: 30_000 };
    let s = enterRunning(initialWatchState(), 0);
    let now = 0;
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      s = onFrame(s, now + 500);
      s = { ...s, exited: { at: now + 1000, code: 1, summary: 'connection reset by peer' } };
      const d = decide(s, now + 1000, so) as { action: string; reason: string; delayMs: number };
      delays.push(d.delayMs);
      s = enterBackoff(s, now + 1000, d, so);
      now = s.backoffUntil;
      s = enterRunning(s, now);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(cameraState({ ...s, phase: 'backoff' }, now, so).state).toBe('failed');
    // a run that streams for the stable time earns the shortest wait again
    s = onFrame(s, now + 31_000);
    s = { ...s, exited: { at: now + 31_500, code: 1, summary: 'connection reset by peer' } };
    expect(decide(s, now + 31_500, so)).toMatchObject({ delayMs: 1000 });
    expect(enterBackoff(s, now + 31_500, { reason: 'x', delayMs: 1000 }, so).attempts).toBe(1);
  });
});

describe('camera watchdog: keyframes far apart', () => {
  const ko: WatchOptions = { ...o, staleAfterMs: 20_000, firstFrameMs: 15_000, keyframesFallback: true, keyframeWaitMs: 65_000 };
  /** A run that gets a video packet every 100 ms from `from` to `to`, keyframes at the times in `keys`. */
  const packets = (s: WatchState, from: number, to: number, keys: number[] = []): WatchState => {
    for (let at = from; at <= to; at += 100) s = onPacket(s, at, keys.includes(at));
    return s;
  };

  it('a keyframes-only run with video arriving but no picture in the limits decodes every frame next, not counted as a failure', () => {
    // the first-frame limit is the larger of firstFrameMs and staleAfterMs: 20 s
    let s = packets(enterRunning(initialWatchState(), 0, true), 2000, 20_000, [2000]);
    expect(decide(s, 20_000, ko)).toEqual({ action: 'ok' });
    const d = decide(s, 20_001, ko);
    expect(d).toEqual({ action: 'every-frame', reason: 'keyframes more than 20 s apart', waitedS: 20 });
    s = enterEveryFrame(s, 20_001, 'keyframes more than 20 s apart');
    expect(s).toMatchObject({ decodes: 'every-frame', attempts: 0, phase: 'backoff' });
    expect(decide(s, 20_001, ko).action).toBe('start');
    // and between two keyframes of a run that streamed: no picture for staleAfter while packets keep coming
    let streamed = onFrame(packets(enterRunning(initialWatchState(), 0, true), 0, 2000, [0, 1000]), 2000);
    streamed = packets(streamed, 2100, 22_000);
    expect(decide(streamed, 22_001, ko)).toMatchObject({ action: 'every-frame', waitedS: 20 });
  });

  it('a stall is restarted as before: no packets lately, or keyframes that came and gave no picture', () => {
    const stalled = packets(onFrame(enterRunning(initialWatchState(), 0, true), 1000), 0, 10_000);
    expect(decide(stalled, 21_001, ko)).toMatchObject({ action: 'restart', reason: 'no frame for 20 s' });
    const broken = packets(onFrame(enterRunning(initialWatchState(), 0, true), 1000), 0, 21_000, [5000, 10_000]);
    expect(decide(broken, 21_001, ko)).toMatchObject({ action: 'restart' });
    // without the packet list, or with the fallback off, nothing changes
    expect(decide(onFrame(enterRunning(initialWatchState(), 0), 1000), 21_001, ko)).toMatchObject({ action: 'restart' });
    const flowing = packets(onFrame(enterRunning(initialWatchState(), 0, true), 1000), 0, 21_000);
    expect(decide(flowing, 21_001, { ...ko, keyframesFallback: false })).toMatchObject({ action: 'restart' });
  });

  it('a run decoding every frame waits for its first keyframe while packets come, up to keyframeWaitMs', () => {
    const fresh = enterRunning(initialWatchState('every-frame'), 0, true);
    expect(decide(packets(fresh, 1000, 40_000), 40_001, ko)).toEqual({ action: 'ok' });
    // 20 s (the first-frame limit) + 65 s
    expect(decide(packets(fresh, 1000, 85_000), 85_000, ko)).toEqual({ action: 'ok' });
    expect(decide(packets(fresh, 1000, 85_001), 85_001, ko)).toMatchObject({ action: 'restart', reason: 'no first frame after 85 s' });
    // the camera stops sending while it waits: restarted at once, as any stall
    expect(decide(packets(fresh, 1000, 20_000), 40_001, ko)).toMatchObject({ action: 'restart' });
    // a keyframe came and still no picture: not a wait for one
    expect(decide(packets(fresh, 1000, 40_000, [3000]), 40_001, ko)).toMatchObject({ action: 'restart' });
    // once it streamed, staleAfter holds as before: every frame is decoded, so a gap is a stall
    const streamed = packets(onFrame(fresh, 2000), 1000, 30_000);
    expect(decide(streamed, 22_001, ko)).toMatchObject({ action: 'restart', reason: 'no frame for 20 s' });
  });
});

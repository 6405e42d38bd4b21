import { describe, expect, it } from 'vitest';
import {
  cameraState,
  decide,
  enterBackoff,
  enterRunning,
  initialWatchState,
  onFrame,
  type WatchOptions,
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

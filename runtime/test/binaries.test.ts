import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { findFfmpeg, onPath } from '../src/index.js';

/** A folder holding an executable `ffmpeg` that is not one, to stand for a system ffmpeg. */
function folderWithFfmpeg(): { dir: string; ffmpeg: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bin-'));
  const ffmpeg = join(dir, 'ffmpeg');
  writeFileSync(ffmpeg, '#!/bin/sh\n');
  chmodSync(ffmpeg, 0o755);
  return { dir, ffmpeg };
}

describe('findFfmpeg', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('takes the path given, then SMARTSTOCK_FFMPEG, then ffmpeg on PATH', () => {
    const { dir, ffmpeg } = folderWithFfmpeg();
    vi.stubEnv('PATH', dir);
    vi.stubEnv('SMARTSTOCK_FFMPEG', '/opt/ffmpeg-7/ffmpeg');
    expect(findFfmpeg('/usr/lib/jellyfin-ffmpeg/ffmpeg')).toBe('/usr/lib/jellyfin-ffmpeg/ffmpeg');
    expect(findFfmpeg()).toBe('/opt/ffmpeg-7/ffmpeg');
    vi.stubEnv('SMARTSTOCK_FFMPEG', '');
    expect(findFfmpeg()).toBe(ffmpeg);
  });

  it('falls back to the npm build, which runs, when PATH has no ffmpeg', () => {
    vi.stubEnv('SMARTSTOCK_FFMPEG', '');
    vi.stubEnv('PATH', mkdtempSync(join(tmpdir(), 'empty-bin-')));
    const ffmpeg = findFfmpeg();
    expect(ffmpeg).toMatch(/@ffmpeg-installer/);
    const result = spawnSync(ffmpeg, ['-hide_banner', '-version'], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^ffmpeg version/);
  });
});

describe('onPath', () => {
  it('finds only executable files, in PATH order', () => {
    const first = folderWithFfmpeg();
    const second = folderWithFfmpeg();
    const plain = mkdtempSync(join(tmpdir(), 'bin-'));
    writeFileSync(join(plain, 'ffmpeg'), 'not executable');
    expect(onPath('ffmpeg', [plain, first.dir, second.dir].join(':'))).toBe(first.ffmpeg);
    expect(onPath('ffmpeg', plain)).toBeUndefined();
  });
});

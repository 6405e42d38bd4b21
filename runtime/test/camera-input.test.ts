import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { cameraInput, findFfmpeg, readsCameraScripts } from '../src/index.js';

describe('cameraInput', () => {
  it("names the camera's URL only in the script ffmpeg reads from stdin, with its options in order", () => {
    const url = 'rtsp://admin:s3cret%40pass@10.0.0.5:554/Streaming/Channels/101?transportmode=unicast';
    const input = cameraInput(url, { rtsp_transport: 'tcp', timeout: 10_000_000 });
    expect(input.args).toEqual([
      '-protocol_whitelist',
      'pipe,rtsp,rtsps,rtp,srtp,tcp,udp,tls,crypto,data',
      '-f',
      'concat',
      '-safe',
      '0',
      '-i',
      'pipe:0',
    ]);
    expect(input.stdin.split('\n')).toEqual([
      'ffconcat version 1.0',
      `file '${url}'`,
      'option rtsp_transport tcp',
      'option timeout 10000000',
      '',
    ]);
  });

  it('quotes as concat reads it: a quote is closed, escaped and reopened; a line break never starts a directive of its own', () => {
    expect(cameraInput("rtsp://u:it's@cam/s1", {}).stdin.split('\n')[1]).toBe("file 'rtsp://u:it'\\''s@cam/s1'");
    expect(cameraInput('rtsp://u:p@cam/s1\noption protocol_whitelist file', {}).stdin.split('\n')[1]).toBe(
      "file 'rtsp://u:p@cam/s1%0Aoption protocol_whitelist file'",
    );
    expect(cameraInput('rtsp://cam/s1', { user_agent: "a b'c" }).stdin.split('\n')[2]).toBe("option user_agent 'a b'\\''c'");
  });
});

describe('readsCameraScripts', () => {
  it("tells an ffmpeg that takes the script's options (5 and later) from the npm static build (4.x), which refuses them", () => {
    expect(readsCameraScripts(findFfmpeg())).toBe(true);
    const npmBuild = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;
    expect(readsCameraScripts(npmBuild)).toBe(false);
  });
});

import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { cameraUrlFrom, readFirstLine } from '../../src/camera/url-input.js';
import { cli } from '../helpers/cli.js';

/** A camera URL (with its password) given off the command line: `-` for stdin, or SMARTSTOCK_CAMERA_URL. */
describe('where camera probe and camera preview take the camera URL from', () => {
  const url = 'rtsp://viewer:s3cret@192.168.1.20:554/stream1';
  const stdin = (text: string) => () => readFirstLine(Readable.from([text]));

  it('the argument as given, which wins over the environment', async () => {
    expect(await cameraUrlFrom(url, stdin(''), { SMARTSTOCK_CAMERA_URL: 'rtsp://other/' })).toBe(url);
  });

  it('`-`: the first line of stdin, without its line ending; the rest is not read', async () => {
    expect(await cameraUrlFrom('-', stdin(`${url}\r\nrtsp://second/\n`), {})).toBe(url);
    expect(await cameraUrlFrom('-', stdin(url), {})).toBe(url);
  });

  it('none: SMARTSTOCK_CAMERA_URL', async () => {
    expect(await cameraUrlFrom(undefined, stdin(''), { SMARTSTOCK_CAMERA_URL: url })).toBe(url);
  });

  it('refuses an empty stdin or no URL anywhere with a usage error that names the ways', async () => {
    await expect(cameraUrlFrom('-', stdin(''), {})).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/stdin/) });
    await expect(cameraUrlFrom('-', stdin('\n'), {})).rejects.toMatchObject({ exitCode: 2 });
    await expect(cameraUrlFrom(undefined, stdin(''), {})).rejects.toMatchObject({
      exitCode: 2,
      fix: expect.stringMatching(/`-` to read it from stdin .*SMARTSTOCK_CAMERA_URL/),
    });
  });

  it('says so in --help, and exits 2 with no URL at all', async () => {
    for (const command of ['probe', 'preview']) {
      const help = await cli('camera', command, '--help');
      expect(help.stdout).toMatch(/`-` reads it from stdin/);
      expect(help.stdout).toContain('SMARTSTOCK_CAMERA_URL');
    }
    const saved = process.env.SMARTSTOCK_CAMERA_URL;
    delete process.env.SMARTSTOCK_CAMERA_URL;
    try {
      const none = await cli('camera', 'probe', '--json');
      expect(none.code).toBe(2);
      expect(none.json).toMatchObject({ ok: false, error: 'no camera URL' });
    } finally {
      if (saved !== undefined) process.env.SMARTSTOCK_CAMERA_URL = saved;
    }
  });
});

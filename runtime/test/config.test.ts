import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, loadConfig, redactUrl, REDACT_PATHS } from '../src/index.js';

const schema = z
  .object({
    http: z
      .object({ port: z.number().int().min(1).max(65535).default(8080) })
      .strict()
      .default({ port: 8080 }),
    database: z
      .object({ url: z.string().startsWith('postgres://').optional() })
      .strict()
      .default({}),
  })
  .strict();

describe('loadConfig', () => {
  it('applies defaults, then the file, then env', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const file = join(dir, 'c.yaml');
    writeFileSync(file, 'http:\n  port: 9000\n');
    expect(loadConfig(schema, { environment: {} })).toEqual({ http: { port: 8080 }, database: {} });
    expect(loadConfig(schema, { file, environment: {} }).http.port).toBe(9000);
    expect(loadConfig(schema, { file, env: { PORT: 'http.port' }, environment: { PORT: '9100' } }).http.port).toBe(9100);
  });

  it('names the bad key and where it came from', () => {
    const err = (() => {
      try {
        loadConfig(schema, { env: { PORT: 'http.port' }, environment: { PORT: '70000' } });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.key).toBe('http.port');
    expect(err!.message).toMatch(/^config error: http\.port: .*65535.*\(from env PORT\)$/);
  });

  it('names an unknown key and an unreadable or malformed file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const typo = join(dir, 'typo.yaml');
    writeFileSync(typo, 'htp:\n  port: 1\n');
    expect(() => loadConfig(schema, { file: typo, environment: {} })).toThrow(/htp/);
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'http: [\n');
    expect(() => loadConfig(schema, { file: broken, environment: {} })).toThrow(/config error: \(file\): not valid YAML/);
    expect(() => loadConfig(schema, { file: join(dir, 'missing.yaml') })).toThrow(/ENOENT/);
  });
});

describe('logging', () => {
  it('redacts secrets and credentials in URLs', () => {
    expect(redactUrl('rtsp://admin:hunter2@10.0.0.5:554/s1')).toBe('rtsp://admin:***@10.0.0.5:554/s1');
    expect(redactUrl('postgres://u:p@db/x and mqtts://a:b@c')).toBe('postgres://u:***@db/x and mqtts://a:***@c');
    // Redis URLs usually carry a password and no user
    expect(redactUrl('redis://:s3cret@cache:6379/0')).toBe('redis://:***@cache:6379/0');
    // a camera password typed with a raw @ or : (ffmpeg splits at the last @ before the path)
    expect(redactUrl('rtsp://admin:p@ss:1@10.0.0.5:554/s1: Server returned 401')).toBe(
      'rtsp://admin:***@10.0.0.5:554/s1: Server returned 401',
    );
    expect(redactUrl('rtsp://admin:p@ss@cam/cam/realmonitor?channel=1&subtype=0')).toBe(
      'rtsp://admin:***@cam/cam/realmonitor?channel=1&subtype=0',
    );
    // cameras that take the login in the query string
    expect(redactUrl('rtsp://cam/live?channel=1&user=admin&password=s3cret&subtype=0')).toBe(
      'rtsp://cam/live?channel=1&user=admin&password=***&subtype=0',
    );
    const lines: string[] = [];
    const sink = new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) });
    const log = pino({ redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);
    log.info({ password: 'p4ss', user: { token: 't0k' }, camera: { url: 'rtsp://a:b@c' } }, 'hello');
    expect(lines.join('')).not.toMatch(/p4ss|t0k|rtsp:\/\/a:b/);
  });
});

import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/** Keys whose values never reach a log line, wherever they sit in an object. */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'refreshToken',
  '*.refreshToken',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'key',
  '*.key',
  'privateKey',
  '*.privateKey',
  'secret',
  '*.secret',
  'cert',
  '*.cert',
  'passphrase',
  '*.passphrase',
  'databaseUrl',
  '*.databaseUrl',
  'url',
  '*.url',
];

/**
 * rtsp://user:pass@host → rtsp://user:***@host; also postgres://, mqtts:// and friends. The password runs to
 * the last @ before the path, as ffmpeg reads it: a camera password typed with a raw @ (p@ss) works, and
 * must not leave half of itself in the log. A password in the query (?user=admin&password=…, some cameras) too.
 */
export function redactUrl(s: string): string {
  return s
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^/?#\s]*@/gi, '$1:***@')
    .replace(/([?&](?:password|passwd|pwd|pass)=)[^&#\s]*/gi, '$1***');
}

export function createLogger(name: string, opts: LoggerOptions = {}): Logger {
  return pino({
    name,
    level: process.env.LOG_LEVEL ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    ...opts,
  });
}

/**
 * Plain text written in order with the logger's JSON lines: through the same buffer, since the log is
 * written asynchronously and a console write beside it could come out before lines logged earlier.
 */
export function writeBesideLog(logger: Logger, text: string): void {
  const stream = (logger as unknown as Record<symbol, { write(chunk: string): unknown } | undefined>)[pino.symbols.streamSym];
  if (stream) stream.write(text);
  else process.stdout.write(text);
}

import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { REDACT_PATHS } from '@smartstock/runtime';
import { RequestLogger } from '../../src/plugins/request-logger.js';

/** A logger as the cloud's (createLogger's redaction), writing its lines into `lines`. */
function loggerInto(lines: Record<string, unknown>[], level: 'info' | 'debug') {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return pino({ name: 'cloud', level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink).child({ module: 'http' });
}

/**
 * req.log: the request's pino child is made only when something is logged through it, and then
 * says what a child made up front would have (the parent's bindings, the request's id, redaction).
 */
describe('a request logger', () => {
  it('makes no pino child while nothing is logged: a 2xx at info costs none', () => {
    const parent = loggerInto([], 'info');
    const child = vi.spyOn(parent, 'child');
    const log = new RequestLogger(parent as FastifyBaseLogger, { reqId: 'req-1' }, {});
    expect(log.level).toBe('info');
    expect(child).not.toHaveBeenCalled();
  });

  it("logs with the parent's bindings and the request's id, redacted, through one child", () => {
    const lines: Record<string, unknown>[] = [];
    const parent = loggerInto(lines, 'info');
    const child = vi.spyOn(parent, 'child');
    const log = new RequestLogger(parent as FastifyBaseLogger, { reqId: 'req-2' }, {});
    log.info({ status: 401, headers: { authorization: 'Bearer secret' } }, 'request refused');
    log.error('request failed');
    log.debug('below the level');
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines).toEqual([
      expect.objectContaining({ level: 30, name: 'cloud', module: 'http', reqId: 'req-2', status: 401, msg: 'request refused' }),
      expect.objectContaining({ level: 50, reqId: 'req-2', msg: 'request failed' }),
    ]);
    expect(JSON.stringify(lines)).not.toContain('Bearer secret');
  });

  it("takes a route's own level, and a level set on it", () => {
    const lines: Record<string, unknown>[] = [];
    const log = new RequestLogger(loggerInto(lines, 'info') as FastifyBaseLogger, { reqId: 'req-3' }, { level: 'debug' });
    expect(log.level).toBe('debug');
    log.debug('shown at the route level');
    log.level = 'warn';
    log.info('hidden now');
    expect(log.level).toBe('warn');
    expect(lines.map((l) => l.msg)).toEqual(['shown at the route level']);
  });

  it('a child of it carries its bindings too', () => {
    const lines: Record<string, unknown>[] = [];
    const log = new RequestLogger(loggerInto(lines, 'info') as FastifyBaseLogger, { reqId: 'req-4' }, {});
    log.child({ socket: 'live' }).warn('behind');
    expect(lines).toEqual([expect.objectContaining({ reqId: 'req-4', socket: 'live', msg: 'behind' })]);
  });
});

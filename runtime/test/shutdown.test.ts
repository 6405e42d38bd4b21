import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { describeStop, stopInOrder } from '../src/shutdown.js';

function recordingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) };
  return { logger: pino({ level: 'warn' }, stream), lines };
}

describe('stopInOrder', () => {
  it('stops the parts in order, one after another', async () => {
    const { logger, lines } = recordingLogger();
    const order: string[] = [];
    const slow = () => new Promise<void>((resolve) => setTimeout(() => (order.push('slow'), resolve()), 20));
    await stopInOrder(
      [
        ['slow', slow],
        ['sync', () => void order.push('sync')],
        ['nothing to stop', () => undefined],
      ],
      logger,
    );
    expect(order).toEqual(['slow', 'sync']);
    expect(lines).toEqual([]);
  });

  it('leaves a part that never stops behind, names it, and still stops the rest', async () => {
    const { logger, lines } = recordingLogger();
    const stopped: string[] = [];
    await stopInOrder(
      [
        ['redis subscriber', () => new Promise(() => undefined)],
        ['database', () => void stopped.push('database')],
      ],
      logger,
      50,
    );
    expect(stopped).toEqual(['database']);
    expect(lines).toMatchObject([{ part: 'redis subscriber', withinMs: 50, msg: 'did not stop in time; going on without it' }]);
  });

  it('logs a part that fails, thrown or rejected, and still stops the rest', async () => {
    const { logger, lines } = recordingLogger();
    const stopped: string[] = [];
    await stopInOrder(
      [
        ['broker', () => Promise.reject(new Error('socket closed'))],
        [
          'workers',
          () => {
            throw new Error('already gone');
          },
        ],
        ['database', () => void stopped.push('database')],
      ],
      logger,
    );
    expect(stopped).toEqual(['database']);
    expect(lines).toMatchObject([
      { part: 'broker', err: 'socket closed' },
      { part: 'workers', err: 'already gone' },
    ]);
  });

  it('reports what stopped cleanly and names the parts that did not, for the summary line', async () => {
    const { logger } = recordingLogger();
    const report = await stopInOrder(
      [
        ['redis subscriber', () => new Promise(() => undefined)],
        ['broker', () => Promise.reject(new Error('socket closed'))],
        ['database', () => undefined],
      ],
      logger,
      50,
    );
    expect(report).toMatchObject({ parts: 3, late: ['redis subscriber'], failed: ['broker'] });
    expect(describeStop(report)).toBe('1 of 3 parts stopped cleanly; late: redis subscriber; failed: broker (see the warn lines above)');
    expect(describeStop(await stopInOrder([['database', () => undefined]], logger))).toBe('1 part stopped cleanly');
  });
});

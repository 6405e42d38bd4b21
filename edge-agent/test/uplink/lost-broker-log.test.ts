/** A broker that goes away is one warn line saying what happens and what to check; a stop of the agent's own is none. */
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { startAgent } from '../../src/index.js';
import { makePki, startTlsBroker } from '../helpers/broker.js';
import { testAgentConfig } from '../helpers/agent-config.js';
import { ScriptedVision } from '../helpers/scripted-vision.js';

describe('losing the broker, in the log', () => {
  it('warns once when the broker goes, not when the agent stops', async () => {
    const pki = makePki();
    const out = new PassThrough();
    const lines: { level: number; msg: string }[] = [];
    out.on('data', (chunk: Buffer) =>
      lines.push(
        ...chunk
          .toString()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { level: number; msg: string }),
      ),
    );
    const start = async () => {
      const broker = await startTlsBroker(pki);
      const agent = await startAgent(testAgentConfig(pki, broker.url, 'bar-lost-broker'), {
        vision: new ScriptedVision([]),
        logger: pino({ level: 'info' }, out),
      });
      const end = Date.now() + 10_000;
      while (!agent.mqttConnected() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      return { broker, agent };
    };
    const lost = (l: { msg: string }) => l.msg.startsWith('lost the broker');

    const first = await start();
    await first.agent.stop();
    await first.broker.stop();
    await new Promise((r) => setTimeout(r, 100));
    expect(lines.filter(lost)).toEqual([]);

    const second = await start();
    await second.broker.stop();
    const end = Date.now() + 10_000;
    while (!lines.some(lost) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    // a few retries more, still one line
    await new Promise((r) => setTimeout(r, 1_500));
    await second.agent.stop();
    expect(lines.filter(lost)).toMatchObject([{ level: 40 }]);
  });
});

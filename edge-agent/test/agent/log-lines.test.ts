/** Every line the agent writes names the part that wrote it, its start and stop included: a reader filters by module. */
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { startAgent } from '../../src/index.js';
import { makePki, startTlsBroker } from '../helpers/broker.js';
import { testAgentConfig } from '../helpers/agent-config.js';
import { ScriptedVision } from '../helpers/scripted-vision.js';

describe("the agent's log lines", () => {
  it('carry one module each, from start to stop', async () => {
    const pki = makePki();
    const broker = await startTlsBroker(pki);
    const out = new PassThrough();
    const lines: string[] = [];
    out.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    const agent = await startAgent(testAgentConfig(pki, broker.url, 'bar-log-lines'), {
      vision: new ScriptedVision([]),
      logger: pino({ name: 'edge-agent', level: 'info' }, out),
    });
    await agent.stop();
    await broker.stop();
    await new Promise((r) => setImmediate(r));
    const parsed = lines.map((l) => JSON.parse(l) as { module?: string; msg: string });
    expect(parsed.map((l) => l.msg)).toEqual(expect.arrayContaining(['agent started', 'agent stopped']));
    for (const l of lines) expect(l.match(/"module":/g), l).toHaveLength(1);
    expect(parsed.find((l) => l.msg === 'agent started')?.module).toBe('agent');
  });
});

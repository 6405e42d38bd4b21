/** The demo agent's log lines name each binding once, so `module` says which part of the agent wrote it. */
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { demoAgentLogger } from '../../scripts/demo/agent-logger.js';

describe('the demo agent logger', () => {
  it('writes one "module" per line, the agent part’s, beside the cloud’s name', async () => {
    const out = new PassThrough();
    const lines: string[] = [];
    out.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    const cloud = pino({ name: 'cloud' }, out);
    // what the agent does with the logger it is given: a child per part
    demoAgentLogger(cloud).child({ module: 'uplink' }).info({ broker: 'mqtts://localhost:8883' }, 'connected');
    await new Promise((r) => setImmediate(r));
    expect(lines).toHaveLength(1);
    expect(lines[0]!.match(/"module":/g)).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ name: 'cloud', program: 'edge-agent', module: 'uplink', msg: 'connected' });
  });
});

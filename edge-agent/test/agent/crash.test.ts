import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS, decodeObservationBatch } from '@smartstock/protocol';
import { makePki, startTlsBroker, subscriber, type Collected, type Pki, type TlsBroker } from '../helpers/broker.js';
import { testAgentConfig } from '../helpers/agent-config.js';

const DEVICE = 'bar-kill9';
const child = new URL('../fixtures/agent-child.ts', import.meta.url).pathname;
let pki: Pki;
let broker: TlsBroker;
let cloud: Collected;

beforeAll(async () => {
  pki = makePki();
  broker = await startTlsBroker(pki);
  cloud = await subscriber(pki, broker.url, [TOPICS.obs(DEVICE)]);
});
afterAll(async () => {
  await cloud?.close();
  await broker?.stop();
});

const received = new Set<string>();
let duplicates = 0;
function collect(): void {
  for (const m of cloud.messages.splice(0)) {
    const b = decodeObservationBatch(m.payload);
    if (!b.ok) throw new Error(`bad batch: ${b.error.field}`);
    for (const o of b.value.observations) {
      if (received.has(o.id)) duplicates += 1;
      received.add(o.id);
    }
  }
}

function run(configFile: string, produce: boolean, stored: Set<string>): { proc: ChildProcess; ready: Promise<void> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, configFile, produce ? '1' : '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let partial = '';
  const ready = new Promise<void>((resolve) => {
    proc.stdout!.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop()!;
      for (const l of lines) {
        if (l === 'ready') resolve();
        else if (l.startsWith('S ')) stored.add(l.slice(2));
      }
    });
  });
  return { proc, ready };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('agent killed with SIGKILL while publishing', () => {
  it('ten kills in a row lose nothing the agent had stored', async () => {
    const full = testAgentConfig(pki, broker.url, DEVICE, { health: { enabled: false } });
    const file = join(full.dataDir, 'agent.json');
    writeFileSync(file, JSON.stringify({ ...full, mqtt: { ...full.mqtt, maxPublishesPerSecond: 20 } }));
    const stored = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const before = received.size;
      const { proc, ready } = run(file, true, stored);
      await ready;
      // Wait until this run is publishing, then kill it at a random point.
      const end = Date.now() + 30_000;
      while (received.size === before && Date.now() < end) {
        await sleep(20);
        collect();
      }
      await sleep(Math.floor(Math.random() * 300));
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await exited;
      collect();
    }
    expect(stored.size).toBeGreaterThan(500);
    // Restart without producing: the outbox drains everything that was stored.
    const { proc, ready } = run(file, false, stored);
    await ready;
    const end = Date.now() + 90_000;
    while ([...stored].some((id) => !received.has(id)) && Date.now() < end) {
      await sleep(100);
      collect();
    }
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    const missing = [...stored].filter((id) => !received.has(id));
    expect(missing).toEqual([]);
    // QoS 1 may repeat a batch whose PUBACK the kill swallowed; the cloud drops repeats by id.
    expect(duplicates).toBeLessThan(stored.size);
  }, 240_000);
});

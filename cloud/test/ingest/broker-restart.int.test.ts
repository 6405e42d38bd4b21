/**
 * A broker restart must not silently end ingestion. Mosquitto 2.0 (this machine's) restores
 * a persisted session without its $share subscriptions while reporting it present; the fault
 * suite lost every observation sent after such a restart. Runs its own Mosquitto, never the
 * machine's.
 */
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { TOPICS } from '@smartstock/protocol';
import { createLogger } from '@smartstock/runtime';
import { createIngestLink, type IngestLink, type MessageSink } from '../../src/ingest/link.js';
import { freePort, waitFor } from '../../../e2e/src/ports.js';
import { spawnMosquitto } from '../../../e2e/src/mosquitto.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let broker: ChildProcess | undefined;
let link: IngestLink | undefined;
afterAll(async () => {
  await link?.stop();
  broker?.kill('SIGKILL');
});

describe('ingest across a broker restart (Mosquitto, persistence on, shared subscription)', () => {
  it('receives what devices publish after the broker comes back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-broker-restart-'));
    chmodSync(dir, 0o777); // mosquitto started as root writes its persistence as its own user
    const port = await freePort();
    writeFileSync(
      join(dir, 'm.conf'),
      `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location ${dir}/\n`,
    );
    const start = async () => {
      ({ broker } = await spawnMosquitto(port, ['-c', join(dir, 'm.conf')]));
    };
    await start();
    const topics: string[] = [];
    const sink: MessageSink = {
      handle: async (topic) => void topics.push(topic),
      deadLetter: async () => undefined,
    };
    const url = `mqtt://127.0.0.1:${port}`;
    link = createIngestLink();
    await link.start({ url, clientId: 'cloud-restart', sharedGroup: 'ingest', logger: createLogger('test', { level: 'silent' }) }, sink);
    const device = await connectAsync(url, { clientId: 'bar-restart', reconnectPeriod: 200 });
    await device.publishAsync(TOPICS.obs('bar-restart'), 'before', { qos: 1 });
    await waitFor(() => topics.length === 1, 5000);

    const b = broker!;
    b.kill('SIGTERM'); // a clean stop: Mosquitto writes the sessions to disk
    await new Promise((r) => b.once('exit', r));
    await start();
    await waitFor(() => link!.client.connected && device.connected, 10_000);
    await sleep(500); // the ingest renews its subscription on reconnect
    await device.publishAsync(TOPICS.obs('bar-restart'), 'after', { qos: 1 });
    await waitFor(() => topics.length === 2, 5000);
    expect(topics).toHaveLength(2);
    await device.endAsync();
  }, 30_000);
});

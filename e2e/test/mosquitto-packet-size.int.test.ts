/**
 * Issue 24, finding 1, on the self-hosted broker: docker/mosquitto/mosquitto.conf's
 * max_packet_size cuts off a device that publishes a huge message, and the other
 * devices' messages keep reaching the cloud.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '@smartstock/protocol';
import { waitFor } from '../src/ports.js';
import { hasMosquitto, startMosquittoWithTestCa, type TestCaBroker } from '../src/mosquitto.js';

const MB = 1024 * 1024;

describe.runIf(hasMosquitto)('self-hosted Mosquitto refuses an oversize packet', () => {
  let broker: TestCaBroker | undefined;
  let connect: TestCaBroker['connect'];

  beforeAll(async () => {
    broker = await startMosquittoWithTestCa();
    ({ connect } = broker);
  });
  afterEach(async () => {
    await broker?.endClients();
  });
  afterAll(async () => {
    await broker?.endClients();
    broker?.stop();
  });

  it.each([1, 50])('disconnects a device publishing %i MB; another device still gets through', async (mb) => {
    const cloud = await connect('smartstock-cloud', 5);
    const got: string[] = [];
    cloud.on('message', (topic, payload) => got.push(`${topic} ${payload.length}`));
    // the ACL names the cloud's CN and its shared group
    await cloud.subscribeAsync(TOPICS.shared('cloud', 'obs'), { qos: 1 });
    const flooder = await connect(`flood-${mb}`, 4);
    const outcome = await Promise.race([
      new Promise<string>((res) => flooder.once('close', () => res('disconnected'))),
      flooder.publishAsync(TOPICS.obs(`flood-${mb}`), Buffer.alloc(mb * MB, 0x7b), { qos: 1 }).then(
        () => 'acknowledged',
        () => 'disconnected',
      ),
    ]);
    expect(outcome).toBe('disconnected');

    const quiet = await connect(`quiet-${mb}`, 4);
    await quiet.publishAsync(TOPICS.obs(`quiet-${mb}`), Buffer.alloc(200 * 1024, 0x7b), { qos: 1 });
    await waitFor(() => got.length > 0, 10_000, 'the other device’s message');
    expect(got).toEqual([`${TOPICS.obs(`quiet-${mb}`)} ${200 * 1024}`]);
  });
});

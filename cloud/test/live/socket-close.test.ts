import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { LiveHub } from '../../src/live/hub.js';
import { LiveEventRepository } from '../../src/live/live-event.repository.js';
import { build, type TestCloud } from '../support/cloud.js';

/** GET /api/v1/live: a client that leaves while its replay is read is not kept by the hub. */
describe('live WebSocket closed during its replay', () => {
  let t: TestCloud;
  beforeAll(async () => {
    t = await build();
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(() => t?.close());

  it('is dropped by the hub once its subscribe is done', async () => {
    const url = `${t.cloud.url.replace('http', 'ws')}/api/v1/live?venueId=${t.demo.venueId}&cursor=1`;
    const ws = new WebSocket(url, ['smartstock.v1', `bearer.${t.ownerToken}`]);
    const opened = new Promise((resolve) => ws.once('open', resolve));
    const closed = new Promise((resolve) => ws.once('close', resolve));
    const after = LiveEventRepository.prototype.after;
    // the client goes, and the server has seen it go, while the replay is being read
    vi.spyOn(LiveEventRepository.prototype, 'after').mockImplementationOnce(async function (this: LiveEventRepository, ...args) {
      await opened;
      ws.close();
      await closed;
      return after.apply(this, args);
    });
    const subscribe = vi.spyOn(LiveHub.prototype, 'subscribe');
    await closed;
    // the route's own continuation after subscribe was queued first, so it has run by now
    await subscribe.mock.results[0]!.value;
    expect((subscribe.mock.contexts[0] as LiveHub).size).toBe(0);
  });
});

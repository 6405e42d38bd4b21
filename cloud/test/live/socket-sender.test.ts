import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { FastifyBaseLogger } from 'fastify';
import { LiveHub } from '../../src/live/hub.js';
import { LiveEventRepository, type NewLiveEvent } from '../../src/live/live-event.repository.js';
import { liveSocketSender, TOO_FAR_BEHIND } from '../../src/live/socket-sender.js';
import { build, type TestCloud } from '../support/cloud.js';

const opened = (ws: WebSocket) => new Promise<void>((resolve, reject) => (ws.once('open', () => resolve()), ws.once('error', reject)));
const closed = (ws: WebSocket) =>
  new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/** A dashboard that stops reading must not hold what is pushed to it without bound, nor hold up the others. */
describe('live socket sender: a socket too far behind', () => {
  afterEach(() => vi.restoreAllMocks());

  it('closes the socket that does not read (4008, one warn line with its figures), and the one that reads gets every frame', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const accepted: WebSocket[] = [];
    server.on('connection', (socket) => accepted.push(socket));
    const reading = new WebSocket(url);
    await opened(reading);
    const stuck = new WebSocket(url);
    await opened(stuck);
    while (accepted.length < 2) await tick();
    stuck.pause();

    const warn = vi.fn();
    const log = { warn } as unknown as FastifyBaseLogger;
    const maxBehindBytes = 64 * 1024;
    const dropped = [vi.fn(), vi.fn()];
    const senders = accepted.map((socket, i) => {
      const sender = liveSocketSender(socket, { maxBehindBytes, log });
      sender.live(dropped[i]!);
      return sender;
    });
    let received = 0;
    reading.on('message', () => received++);
    const frame = Buffer.from(JSON.stringify({ type: 'device', cursor: 1, data: { configError: 'x'.repeat(16_000) } }));
    let sent = 0;
    // bounded: 4,000 frames are 64 MB, far past what loopback's socket buffers take before ws must queue
    for (; sent < 4000 && !dropped[1]!.mock.calls.length; sent++) {
      for (const sender of senders) sender.send(frame);
      if (sent % 10 === 0) await tick();
    }
    expect(dropped[1]).toHaveBeenCalledTimes(1);
    expect(dropped[0]).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatchObject({ maxBehindBytes, code: TOO_FAR_BEHIND });
    expect(warn.mock.calls[0]![0].unsentBytes).toBeGreaterThan(maxBehindBytes);
    expect(warn.mock.calls[0]![1]).toMatch(/too far behind/);

    // closed: what it holds no longer grows, whatever is pushed
    const held = accepted[1]!.bufferedAmount;
    expect(held).toBeLessThanOrEqual(maxBehindBytes + 2 * frame.length);
    for (let i = 0; i < 20; i++) senders[1]!.send(frame);
    expect(accepted[1]!.bufferedAmount).toBe(held);
    expect(accepted[1]!.readyState).toBe(WebSocket.CLOSING);

    // the reader was not held up: it gets every frame, and stays open
    for (let i = 0; i < 1000 && received < sent; i++) await tick();
    expect(received).toBe(sent);
    expect(accepted[0]!.readyState).toBe(WebSocket.OPEN);

    // once it reads again, the client learns why: the dashboard reconnects from its cursor on any close
    const why = closed(stuck);
    stuck.resume();
    expect(await why).toEqual({ code: TOO_FAR_BEHIND, reason: 'too far behind: reconnect from your cursor' });
    reading.close();
    await new Promise((resolve) => server.close(resolve));
  });

  describe('GET /api/v1/live', () => {
    let t: TestCloud | undefined;
    afterAll(() => t?.close());

    it('closes the dashboard that stops reading and forgets it; the one beside it gets every event', async () => {
      t = await build({ live: { retentionHours: 24, maxBehindBytes: 64 * 1024 } });
      const subscribe = vi.spyOn(LiveHub.prototype, 'subscribe');
      const url = `${t.cloud.url.replace('http', 'ws')}/api/v1/live?venueId=${t.demo.venueId}`;
      const reading = new WebSocket(url, ['smartstock.v1', `bearer.${t.ownerToken}`]);
      const cursors: number[] = [];
      // a browser's WebSocket hands a binary frame over as a Blob, which the dashboard cannot read as text
      let binaryFrames = 0;
      reading.on('message', (m: Buffer, isBinary: boolean) => {
        if (isBinary) binaryFrames++;
        cursors.push(JSON.parse(String(m)).cursor);
      });
      await opened(reading);
      const stuck = new WebSocket(url, ['smartstock.v1', `bearer.${t.ownerToken}`]);
      await opened(stuck);
      stuck.pause();
      while (subscribe.mock.results.length < 2) await tick();
      await Promise.all(subscribe.mock.results.map((r) => r.value));
      const hub = subscribe.mock.contexts[0] as LiveHub;
      expect(hub.size).toBe(2);

      const batch = (n: number): NewLiveEvent[] =>
        Array.from({ length: 20 }, (_, i) => ({
          orgId: t!.demo.orgId,
          venueId: t!.demo.venueId,
          type: 'device' as const,
          data: { deviceId: `dev-${n}-${i}`, configError: 'x'.repeat(8000) },
        }));
      const ids: number[] = [];
      // bounded: 300 batches of 160 KB are 48 MB, far past what loopback's socket buffers take
      for (let n = 0; n < 300 && hub.size === 2; n++) {
        ids.push(...(await t.cloud.db.transaction((tx) => new LiveEventRepository(tx).appendMany(batch(n)))));
        await tick();
      }
      expect(hub.size).toBe(1);
      for (let i = 0; i < 2000 && cursors.length < ids.length; i++) await tick();
      expect(cursors).toEqual(ids);
      expect(binaryFrames).toBe(0);
      expect(reading.readyState).toBe(WebSocket.OPEN);

      const why = closed(stuck);
      stuck.resume();
      expect((await why).code).toBe(TOO_FAR_BEHIND);
      reading.close();
    }, 120_000);
  });
});

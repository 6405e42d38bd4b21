import type { WebSocket } from 'ws';
import type { FastifyBaseLogger } from 'fastify';
import type { LiveFrame } from './hub.js';

/**
 * The close code of a socket that fell too far behind (4000-4999: the application's own). The dashboard
 * reconnects on any close and resumes from its cursor: the replay, or a resync, brings it up to date.
 */
export const TOO_FAR_BEHIND = 4008;

export interface LiveSocketSender {
  send(frame: LiveFrame): void;
  /**
   * The replay is sent: from now on, a socket whose unsent bytes grow past the limit is closed and
   * `dropped` runs (the hub forgets it at once, not when its close completes).
   */
  live(dropped: () => void): void;
}

/**
 * Sends frames to one dashboard's WebSocket, and closes it when it falls too far behind: ws queues what
 * the network does not take, so a socket that stops reading (a frozen tab, a dead link not yet timed out)
 * would otherwise hold every event pushed to it. A send never waits, so a slow socket delays no other;
 * closing it bounds what it holds to the limit (plus what its replay left unsent).
 */
export function liveSocketSender(socket: WebSocket, options: { maxBehindBytes: number; log: FastifyBaseLogger }): LiveSocketSender {
  /** unsent bytes the replay left, shrinking as the client reads them; undefined while the replay is sent */
  let replayLeft: number | undefined;
  let dropped = () => {};
  return {
    send(frame) {
      if (socket.readyState !== socket.OPEN) return;
      if (replayLeft !== undefined) {
        const unsent = socket.bufferedAmount;
        replayLeft = Math.min(replayLeft, unsent);
        if (unsent - replayLeft > options.maxBehindBytes) {
          options.log.warn(
            { unsentBytes: unsent, maxBehindBytes: options.maxBehindBytes, code: TOO_FAR_BEHIND },
            'live socket too far behind: closed; the dashboard reconnects from its cursor',
          );
          // the close frame waits behind what is unsent; ws destroys the socket if it is not answered in 30 s
          socket.close(TOO_FAR_BEHIND, 'too far behind: reconnect from your cursor');
          dropped();
          return;
        }
      }
      // text frames: the frame is built once as bytes, but ws would send a Buffer as a binary frame, which a
      // browser hands over as a Blob the dashboard cannot parse
      socket.send(frame, { binary: false });
    },
    live(onDrop) {
      replayLeft = socket.bufferedAmount;
      dropped = onDrop;
    },
  };
}

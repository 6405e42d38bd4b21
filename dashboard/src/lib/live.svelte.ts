// The one live WebSocket per venue. It reconnects with backoff and resumes from
// the last cursor it saw, so no event is missed across a drop (the cloud replays
// everything after the cursor, and the events below it that committed late).
import type { LiveMessage } from './types';
import { SeenEvents } from './live-seen';

export type LiveState = 'connecting' | 'open' | 'closed';

export class LiveSocket {
  state = $state<LiveState>('closed');
  private ws: WebSocket | undefined;
  private cursor: number | undefined;
  private readonly seen = new SeenEvents();
  private stopped = true;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private venueId: string | undefined;

  constructor(
    private readonly token: () => string | undefined,
    private readonly onMessage: (m: LiveMessage) => void,
    private readonly refresh: () => Promise<boolean>,
    private readonly onOpen: () => void = () => undefined,
  ) {
    // the network is back: try now rather than at the end of the backoff
    addEventListener('online', () => {
      if (this.stopped || this.state === 'open' || !this.venueId) return;
      clearTimeout(this.timer);
      this.attempt = 0;
      this.open(this.venueId);
    });
  }

  /** cursor 0 on a fresh start replays recent history, which fills the shelf view before the next observation */
  start(venueId: string, cursor = 0): void {
    this.stop();
    this.stopped = false;
    this.cursor = cursor;
    // an event of no venue comes to every venue's socket: the next venue's replay must apply it too
    this.seen.clear();
    this.venueId = venueId;
    this.open(venueId);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.ws?.close();
    this.ws = undefined;
    this.state = 'closed';
  }

  private open(venueId: string): void {
    const token = this.token();
    if (!token) return;
    const proto = location.protocol === 'https:' ? 'wss' : 'ws';
    const qs = new URLSearchParams({ venueId });
    if (this.cursor !== undefined) qs.set('cursor', String(this.cursor));
    this.state = 'connecting';
    // the token rides as a subprotocol, never in the URL that proxies log
    const ws = (this.ws = new WebSocket(`${proto}://${location.host}/api/v1/live?${qs}`, ['smartstock.v1', `bearer.${token}`]));
    ws.onopen = () => {
      this.state = 'open';
      this.attempt = 0;
      this.onOpen();
    };
    ws.onmessage = (ev) => {
      try {
        const m = JSON.parse(String(ev.data)) as LiveMessage;
        if (typeof m.cursor === 'number') this.cursor = Math.max(this.cursor ?? 0, m.cursor);
        // a resync's cursor is no event; an event replayed that this screen has applied is skipped
        if (m.type !== 'resync' && !this.seen.first(m.cursor)) return;
        this.onMessage(m);
      } catch {
        /* a message this version does not understand is skipped, not fatal */
      }
    };
    ws.onclose = () => {
      if (this.ws !== ws || this.stopped) return;
      this.state = 'closed';
      const delay = Math.min(10_000, 500 * 2 ** this.attempt++);
      // the access token may have expired while connected: refresh before retrying
      this.timer = setTimeout(() => void this.refresh().finally(() => !this.stopped && this.open(venueId)), delay);
    };
  }
}

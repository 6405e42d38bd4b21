// One answer to "are we offline?", for the banner and for every control that changes
// something. Offline: the browser says so, or the figures shown came from the service
// worker's cache and the live link is not up. The live link coming back ends it at once.
import type { LiveSocket } from './live.svelte';
import type { VenueState } from './venue.svelte';

export class Connection {
  browserOnline = $state(typeof navigator === 'undefined' ? true : navigator.onLine);

  constructor(
    private readonly venue: VenueState,
    private readonly live: LiveSocket,
  ) {
    addEventListener('online', () => (this.browserOnline = true));
    addEventListener('offline', () => (this.browserOnline = false));
  }

  get offline(): boolean {
    return !this.browserOnline || (this.venue.offlineSince !== undefined && this.live.state !== 'open');
  }

  /** when the figures on screen were last fetched, while they come from the cache */
  get since(): string | undefined {
    return this.offline ? this.venue.offlineSince : undefined;
  }
}

// Wires the session, the venue state and the live socket together once.
import { Auth } from './auth.svelte';
import { LiveSocket } from './live.svelte';
import { VenueState } from './venue.svelte';
import { AlertsState } from './alerts.svelte';
import { Connection } from './connection.svelte';
import { handleError } from './toasts.svelte';
import { ApiError } from './api';
import { StockDaysState } from './stock-days.svelte';
import { OrderingApi } from './ordering';
import { showMoneyIn } from './money';

export const auth = new Auth();
export const venue = new VenueState(auth.api);
showMoneyIn(() => venue.venue?.currency);
export const alerts = new AlertsState(auth.api);
export const stockDays = new StockDaysState(auth.api);
export const ordering = new OrderingApi(auth.api);
export const live = new LiveSocket(
  () => auth.token(),
  (m) => {
    // the cloud could not send what this screen missed (pruned, too many, or unreadable): read it all again
    if (m.type === 'resync') reloadAll();
    venue.apply(m);
    alerts.apply(m);
  },
  () => auth.refresh(),
  () => {
    // back from offline: what is on screen came from the cache, so read it all again
    if (venue.offlineSince) reloadAll();
  },
);

function reloadAll(): void {
  void venue.loadVenue().catch((e: unknown) => handleError(e, 'Loading the venue'));
  if (venue.venueId) void alerts.load(venue.venueId).catch((e: unknown) => handleError(e, 'Loading alerts'));
}
export const connection = new Connection(venue, live);

/** after sign-in or a reload with a saved session */
export async function startSession(): Promise<void> {
  await venue.load();
  if (venue.venueId) {
    live.start(venue.venueId);
    // offline, the banner says so already; the alerts come with the live link
    await alerts
      .load(venue.venueId)
      .catch((e: unknown) => (e instanceof ApiError && e.status === 0 ? undefined : handleError(e, 'Loading alerts')));
  }
}

export async function switchVenue(id: string): Promise<void> {
  await venue.select(id);
  live.start(id);
  await alerts.load(id).catch((e: unknown) => handleError(e, 'Loading alerts'));
}

export async function endSession(): Promise<void> {
  live.stop();
  // the next person on this phone must not see this session's cached levels offline
  if ('caches' in globalThis) await caches.delete('smartstock-data-v1').catch(() => undefined);
  await auth.signOut();
}

import type { Db } from '../db/types.js';
import { AuthService, type Principal } from './auth.service.js';
import { DeviceService, type DeviceLink } from './device.service.js';
import { InventoryService } from './inventory.service.js';
import { ObservationService } from './observation.service.js';
import { VenueService } from './venue.service.js';
import type { PasswordHasher } from '../auth/passwords.js';
import type { AlertFeed } from '../alerts/feed.js';
import type { DeadLetterLimit } from '../ingest/flood-limit.js';

export interface ServiceDeps {
  db: Db;
  hasher: PasswordHasher;
  refreshTtlSeconds: number;
  /** the MQTT link, once connected (services start before it) */
  link: () => DeviceLink | undefined;
  /** alert evaluation after each commit (startAlerts().feed) */
  alerts?: AlertFeed | undefined;
  /** the embedded broker, when there is one: revocation disconnects the device */
  sessions?: { disconnect(deviceId: string): void } | undefined;
  /** dead letters stored per device per minute (ingest/flood-limit.ts) */
  deadLetterLimit?: DeadLetterLimit | undefined;
}

/** The bar's rules, shared by HTTP routes and MQTT ingest. */
export function createDomainServices(d: ServiceDeps) {
  return {
    inventory: new InventoryService(d.db, d.alerts),
    venues: new VenueService(d.db),
    devices: new DeviceService(d.db, d.link, d.alerts, d.sessions),
    observations: new ObservationService(d.db, d.alerts, d.deadLetterLimit),
  };
}

export function createAuthService(d: ServiceDeps, sign: (p: Principal) => string) {
  return new AuthService({ db: d.db, hasher: d.hasher, signAccessToken: sign, refreshTtlSeconds: d.refreshTtlSeconds });
}

import type { Queryable } from '../db/types.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { DeadLetterRepository } from '../ingest/dead-letter.repository.js';
import { DeviceRepository } from '../devices/device.repository.js';
import { ItemRepository } from '../inventory/item.repository.js';
import { LiveEventRepository } from '../live/live-event.repository.js';
import { ObservationRepository } from '../inventory/observation.repository.js';
import { StockRepository } from '../inventory/stock.repository.js';
import { TransactionRepository } from '../inventory/transaction.repository.js';
import { UserRepository } from '../users/user.repository.js';
import { VenueRepository } from '../venues/venue.repository.js';

/** Every repository over one connection or transaction: services call repos(tx) inside db.transaction(). */
export function repos(q: Queryable) {
  return {
    audit: new AuditRepository(q),
    deadLetters: new DeadLetterRepository(q),
    devices: new DeviceRepository(q),
    items: new ItemRepository(q),
    live: new LiveEventRepository(q),
    observations: new ObservationRepository(q),
    stock: new StockRepository(q),
    transactions: new TransactionRepository(q),
    users: new UserRepository(q),
    venues: new VenueRepository(q),
  };
}
export type Repos = ReturnType<typeof repos>;

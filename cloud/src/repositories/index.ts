import type { Queryable } from '../db/types.js';
import { AuditRepository } from './audit.repository.js';
import { DeadLetterRepository } from './dead-letter.repository.js';
import { DeviceRepository } from './device.repository.js';
import { ItemRepository } from './item.repository.js';
import { LiveEventRepository } from './live-event.repository.js';
import { ObservationRepository } from './observation.repository.js';
import { StockRepository } from './stock.repository.js';
import { TransactionRepository } from './transaction.repository.js';
import { UserRepository } from './user.repository.js';
import { VenueRepository } from './venue.repository.js';

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

import type { Queryable } from '../../src/db/types.js';
import { AuditRepository } from '../../src/audit/audit.repository.js';
import { DeadLetterRepository } from '../../src/ingest/dead-letter.repository.js';
import { DeviceRepository } from '../../src/devices/device.repository.js';
import { ItemRepository } from '../../src/inventory/item.repository.js';
import { LiveEventRepository } from '../../src/live/live-event.repository.js';
import { ObservationRepository } from '../../src/inventory/observation.repository.js';
import { StockRepository } from '../../src/inventory/stock.repository.js';
import { TransactionRepository } from '../../src/inventory/transaction.repository.js';
import { UserRepository } from '../../src/users/user.repository.js';
import { VenueRepository } from '../../src/venues/venue.repository.js';

/** Every repository over one connection or transaction: tests set up and read rows through it, below the services. */
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

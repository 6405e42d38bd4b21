import { describeOutboxRepository } from './outbox.repository.suite.js';
import { pgliteFactory } from '../../support/db.js';

describeOutboxRepository(pgliteFactory);

import { describeOutboxRepository } from './outbox.repository.suite.js';
import { pgFactory } from '../../support/db.js';

describeOutboxRepository(pgFactory);

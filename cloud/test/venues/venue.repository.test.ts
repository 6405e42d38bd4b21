import { describeVenueRepository } from './venue.repository.suite.js';
import { pgliteFactory } from '../support/db.js';

describeVenueRepository(pgliteFactory);

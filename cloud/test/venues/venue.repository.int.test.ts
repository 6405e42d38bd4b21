import { describeVenueRepository } from './venue.repository.suite.js';
import { pgFactory } from '../support/db.js';

describeVenueRepository(pgFactory);

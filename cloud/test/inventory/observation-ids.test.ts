import { describeObservationIds } from './observation-ids.suite.js';
import { pgliteFactory } from '../support/db.js';

describeObservationIds(pgliteFactory);

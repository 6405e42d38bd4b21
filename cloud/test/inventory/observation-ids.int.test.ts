import { describeObservationIds } from './observation-ids.suite.js';
import { pgFactory } from '../support/db.js';

describeObservationIds(pgFactory);

import { describeObservationPartitions } from './observation-partitions.suite.js';
import { pgliteFactory } from '../support/db.js';

describeObservationPartitions(pgliteFactory);

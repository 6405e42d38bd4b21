import { describeObservationPartitions } from './observation-partitions.suite.js';
import { pgFactory } from '../support/db.js';

describeObservationPartitions(pgFactory);

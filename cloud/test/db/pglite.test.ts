import { describeDb } from './db.suite.js';
import { pgliteFactory } from '../support/db.js';

describeDb(pgliteFactory);

import { describeAppendMany } from './append-many.suite.js';
import { pgliteFactory } from '../support/db.js';

describeAppendMany(pgliteFactory);

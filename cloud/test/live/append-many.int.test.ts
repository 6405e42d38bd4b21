import { describeAppendMany } from './append-many.suite.js';
import { pgFactory } from '../support/db.js';

describeAppendMany(pgFactory);

import { describeDb } from './db.suite.js';
import { pgFactory } from '../support/db.js';

describeDb(pgFactory);

import { describeStockSet } from './stock-set.suite.js';
import { pgliteFactory } from '../support/db.js';

describeStockSet(pgliteFactory);

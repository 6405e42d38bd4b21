import { describeStockSet } from './stock-set.suite.js';
import { pgFactory } from '../support/db.js';

describeStockSet(pgFactory);

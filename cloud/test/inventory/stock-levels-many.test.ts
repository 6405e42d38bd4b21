import { describeStockLevelsMany } from './stock-levels-many.suite.js';
import { pgliteFactory } from '../support/db.js';

describeStockLevelsMany(pgliteFactory);

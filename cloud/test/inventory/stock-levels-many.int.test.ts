import { describeStockLevelsMany } from './stock-levels-many.suite.js';
import { pgFactory } from '../support/db.js';

describeStockLevelsMany(pgFactory);

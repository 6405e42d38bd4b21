import { describeStockBatch } from './stock-batch.suite.js';
import { pgliteFactory } from '../support/db.js';

describeStockBatch(pgliteFactory);

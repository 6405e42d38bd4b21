import { describeStockBatch } from './stock-batch.suite.js';
import { pgFactory } from '../support/db.js';

describeStockBatch(pgFactory);

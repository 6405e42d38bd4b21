import { describeStockRepositories } from './stock.repository.suite.js';
import { pgliteFactory } from '../support/db.js';

describeStockRepositories(pgliteFactory);

import { describeStockRepositories } from './stock.repository.suite.js';
import { pgFactory } from '../support/db.js';

describeStockRepositories(pgFactory);

import { describeLivePrune } from './prune.suite.js';
import { pgFactory } from '../support/db.js';

describeLivePrune(pgFactory);

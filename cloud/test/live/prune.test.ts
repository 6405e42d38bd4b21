import { describeLivePrune } from './prune.suite.js';
import { pgliteFactory } from '../support/db.js';

describeLivePrune(pgliteFactory);

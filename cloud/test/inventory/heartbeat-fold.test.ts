import { describeHeartbeatFold } from './heartbeat-fold.suite.js';
import { pgliteFactory } from '../support/db.js';

describeHeartbeatFold(pgliteFactory);

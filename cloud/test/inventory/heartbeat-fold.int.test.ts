import { describeHeartbeatFold } from './heartbeat-fold.suite.js';
import { pgFactory } from '../support/db.js';

describeHeartbeatFold(pgFactory);

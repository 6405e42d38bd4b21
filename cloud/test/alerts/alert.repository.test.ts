import { describeAlertRepository } from './alert.repository.suite.js';
import { pgliteFactory } from '../support/db.js';

describeAlertRepository(pgliteFactory);

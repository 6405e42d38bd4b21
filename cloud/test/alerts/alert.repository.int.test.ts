import { describeAlertRepository } from './alert.repository.suite.js';
import { pgFactory } from '../support/db.js';

describeAlertRepository(pgFactory);

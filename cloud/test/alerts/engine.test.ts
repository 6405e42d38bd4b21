import { describeAlertEngine } from './engine.suite.js';
import { pgliteFactory } from '../support/db.js';

describeAlertEngine(pgliteFactory);

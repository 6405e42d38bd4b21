import { describeAlertEngine } from './engine.suite.js';
import { pgFactory } from '../support/db.js';

describeAlertEngine(pgFactory);

import { describeAuditNames } from './audit.repository.suite.js';
import { pgFactory } from '../support/db.js';

describeAuditNames(pgFactory);

import { describeAuditNames } from './audit.repository.suite.js';
import { pgliteFactory } from '../support/db.js';

describeAuditNames(pgliteFactory);

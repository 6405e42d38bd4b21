import { describe, expect, it } from 'vitest';
import { devicePolicyDocument } from '../../src/aws/policy.js';
import { grantsOf, policyDiff, sameGrants } from '../../src/aws/policy-diff.js';
import { oldDevicePolicyDocument } from '../helpers/old-device-policy.js';

const prefix = 'arn:aws:iot:eu-west-1:123456789012';
const me = 'bar-42-edge';
const wanted = devicePolicyDocument(prefix, me);

/** `device update-policy` and `device create` decide "current" by grants, so these are what keep it from rewriting a policy, or missing one. */
describe('policy diff', () => {
  it('the same grants written differently are the same policy: spacing, statement grouping, a lone action as a string', () => {
    expect(sameGrants(policyDiff(JSON.stringify(wanted, null, 2), wanted, prefix))).toBe(true);
    const regrouped = {
      Version: '2012-10-17',
      Statement: [...wanted.Statement]
        .reverse()
        .flatMap((statement) => statement.Resource.map((resource) => ({ ...statement, Action: statement.Action[0], Resource: resource }))),
    };
    expect(sameGrants(policyDiff(JSON.stringify(regrouped), wanted, prefix))).toBe(true);
  });

  it("the document before a67c58e is out of date: it lacks the status's RetainPublish and grants the whole subtree", () => {
    const diff = policyDiff(JSON.stringify(oldDevicePolicyDocument(prefix, me)), wanted, prefix);
    expect(diff.added).toContain('Allow iot:RetainPublish topic/smartstock/v1/<thing>/status');
    expect(diff.removed).toEqual([
      'Allow iot:Publish topic/smartstock/v1/<thing>/*',
      'Allow iot:Receive topic/smartstock/v1/<thing>/*',
      'Allow iot:Subscribe topicfilter/smartstock/v1/<thing>/*',
    ]);
    expect(diff.added.concat(diff.removed).some((grant) => grant.includes('iot:Connect'))).toBe(false);
  });

  it('another account, another condition or an unreadable document differs, and the diff shows the foreign ARN whole', () => {
    const elsewhere = devicePolicyDocument('arn:aws:iot:us-east-1:999999999999', me);
    expect(policyDiff(JSON.stringify(elsewhere), wanted, prefix).removed).toContain(
      'Allow iot:Connect arn:aws:iot:us-east-1:999999999999:client/bar-42-edge when Bool iot:Connection.Thing.IsAttached=true',
    );
    const unattached = structuredClone(wanted);
    unattached.Statement[0]!.Condition = { Bool: { 'iot:Connection.Thing.IsAttached': 'false' } };
    expect(sameGrants(policyDiff(JSON.stringify(unattached), wanted, prefix))).toBe(false);
    expect(grantsOf('{not json')).toEqual(['(a document that is not JSON)']);
    expect(sameGrants(policyDiff('{not json', wanted, prefix))).toBe(false);
  });
});

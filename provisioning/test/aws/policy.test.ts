import { describe, expect, it } from 'vitest';
import { TOPICS, TOPIC_KINDS, TOPIC_ROOT } from '@smartstock/protocol';
import { arnPrefixOf, devicePolicyDocument, devicePolicyName } from '../../src/aws/policy.js';
import { allows } from '../helpers/iot-policy.js';

const prefix = 'arn:aws:iot:eu-west-1:123456789012';
const me = 'bar-42-edge';
const doc = devicePolicyDocument(prefix, me);
const conn = { thingName: me };
const topic = (t: string) => `${prefix}:topic/${t}`;
const filter = (t: string) => `${prefix}:topicfilter/${t}`;

/** Moto stores policies but never enforces them: the document itself is what keeps devices apart. */
describe('device policy document', () => {
  it('names the policy after the thing and takes the account from the certificate ARN', () => {
    expect(devicePolicyName(me)).toBe('smartstock-device-bar-42-edge');
    expect(arnPrefixOf(`${prefix}:cert/abc123`)).toBe(prefix);
    expect(() => arnPrefixOf('nonsense')).toThrow();
  });

  it('allows every topic of the protocol under its own thing name', () => {
    for (const kind of TOPIC_KINDS) {
      const t = `${TOPIC_ROOT}/${me}/${kind}`;
      for (const action of ['iot:Publish', 'iot:Receive']) expect(allows(doc, action, topic(t), conn), `${action} ${t}`).toBe(true);
      expect(allows(doc, 'iot:Subscribe', filter(t), conn), `subscribe ${t}`).toBe(true);
    }
    // the builders the agent calls, not just the kinds
    for (const build of [TOPICS.obs, TOPICS.status, TOPICS.configAck, TOPICS.snapshot])
      expect(allows(doc, 'iot:Publish', topic(build(me)), conn)).toBe(true);
    for (const build of [TOPICS.config, TOPICS.snapshotRequest]) expect(allows(doc, 'iot:Subscribe', filter(build(me)), conn)).toBe(true);
  });

  it("denies other things' topics, wildcards across devices and AWS-reserved topics", () => {
    for (const other of ['bar-43-edge', 'bar-42', 'bar-42-edge2', 'bar-4']) {
      for (const kind of TOPIC_KINDS) {
        const t = `${TOPIC_ROOT}/${other}/${kind}`;
        expect(allows(doc, 'iot:Publish', topic(t), conn), t).toBe(false);
        expect(allows(doc, 'iot:Receive', topic(t), conn), t).toBe(false);
        expect(allows(doc, 'iot:Subscribe', filter(t), conn), t).toBe(false);
      }
    }
    expect(allows(doc, 'iot:Subscribe', filter(TOPICS.all('obs')), conn)).toBe(false);
    expect(allows(doc, 'iot:Subscribe', filter(`${TOPIC_ROOT}/#`), conn)).toBe(false);
    expect(allows(doc, 'iot:Publish', topic(`$aws/things/${me}/shadow/update`), conn)).toBe(false);
    expect(allows(doc, 'iot:Publish', topic(`other/${me}/obs`), conn)).toBe(false);
  });

  it('lets the device connect only as its own thing, with the thing attached', () => {
    expect(allows(doc, 'iot:Connect', `${prefix}:client/${me}`, conn)).toBe(true);
    expect(allows(doc, 'iot:Connect', `${prefix}:client/bar-43-edge`, conn)).toBe(false);
    expect(allows(doc, 'iot:Connect', `${prefix}:client/${me}`, { thingName: me, isAttached: false })).toBe(false);
    expect(allows(doc, 'iot:Connect', `arn:aws:iot:us-east-1:999999999999:client/${me}`, conn)).toBe(false);
  });
});

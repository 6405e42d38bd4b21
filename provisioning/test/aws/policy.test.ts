import { describe, expect, it } from 'vitest';
import { DEVICE_PUBLISHES, DEVICE_SUBSCRIBES, TOPICS, TOPIC_KINDS, TOPIC_ROOT } from '@smartstock/protocol';
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

  it('allows its own contract topics: it sends obs, status, config acks and snapshots, and is sent configs and snapshot requests', () => {
    for (const kind of DEVICE_PUBLISHES) expect(allows(doc, 'iot:Publish', topic(`${TOPIC_ROOT}/${me}/${kind}`), conn), kind).toBe(true);
    for (const kind of DEVICE_SUBSCRIBES) {
      expect(allows(doc, 'iot:Receive', topic(`${TOPIC_ROOT}/${me}/${kind}`), conn), kind).toBe(true);
      expect(allows(doc, 'iot:Subscribe', filter(`${TOPIC_ROOT}/${me}/${kind}`), conn), kind).toBe(true);
    }
    // the builders the agent calls, not just the kinds
    for (const build of [TOPICS.obs, TOPICS.status, TOPICS.configAck, TOPICS.snapshot])
      expect(allows(doc, 'iot:Publish', topic(build(me)), conn)).toBe(true);
    for (const build of [TOPICS.config, TOPICS.snapshotRequest]) expect(allows(doc, 'iot:Subscribe', filter(build(me)), conn)).toBe(true);
    // what the cloud sends it is not its to write, nor is anything off the contract under its name
    for (const t of [TOPICS.config(me), TOPICS.snapshotRequest(me), `${TOPIC_ROOT}/${me}/junk/1`])
      expect(allows(doc, 'iot:Publish', topic(t), conn), t).toBe(false);
    expect(allows(doc, 'iot:Subscribe', filter(`${TOPIC_ROOT}/${me}/#`), conn)).toBe(false);
  });

  it('retains only its status (and its last will there): a retained observation or config ack is refused', () => {
    // AWS IoT checks iot:RetainPublish besides iot:Publish for a message with the RETAIN flag
    const retains = (t: string) => allows(doc, 'iot:Publish', topic(t), conn) && allows(doc, 'iot:RetainPublish', topic(t), conn);
    expect(retains(TOPICS.status(me))).toBe(true);
    for (const kind of TOPIC_KINDS.filter((k) => k !== 'status')) expect(retains(`${TOPIC_ROOT}/${me}/${kind}`), kind).toBe(false);
    expect(retains(TOPICS.status('bar-43-edge'))).toBe(false);
    expect(retains(`${TOPIC_ROOT}/${me}/status/x`)).toBe(false);
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

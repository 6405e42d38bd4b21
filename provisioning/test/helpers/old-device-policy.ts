import { TOPIC_ROOT } from '@smartstock/protocol';
import { THING_VARIABLE, type PolicyDocument } from '../../src/aws/policy.js';

/**
 * The document `device create` wrote before a67c58e (`git show a67c58e^:provisioning/src/aws/policy.ts`):
 * publish and receive on the whole subtree, no iot:RetainPublish, so AWS IoT refused even the
 * retained status and last will. Every thing provisioned before then still carries it.
 */
export function oldDevicePolicyDocument(arnPrefix: string, thingName: string): PolicyDocument {
  const subtree = `${TOPIC_ROOT}/${THING_VARIABLE}/*`;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['iot:Connect'],
        Resource: [`${arnPrefix}:client/${thingName}`],
        Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } },
      },
      { Effect: 'Allow', Action: ['iot:Publish', 'iot:Receive'], Resource: [`${arnPrefix}:topic/${subtree}`] },
      { Effect: 'Allow', Action: ['iot:Subscribe'], Resource: [`${arnPrefix}:topicfilter/${subtree}`] },
    ],
  };
}

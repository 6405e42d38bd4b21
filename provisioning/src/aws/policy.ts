import {
  DEVICE_ID_PATTERN,
  DEVICE_PUBLISHES,
  DEVICE_RETAINS,
  DEVICE_SUBSCRIBES,
  TOPIC_ROOT,
  assertDeviceId,
  type TopicKind,
} from '@smartstock/protocol';

/**
 * The per-thing AWS IoT policy. Topics are confined with the
 * `${iot:Connection.Thing.ThingName}` variable, which AWS fills from the
 * thing attached to the connecting certificate, so a stolen key reaches
 * one bar's subtree and nothing else. Connecting is allowed only as the
 * device's own thing name (the MQTT client id) with the thing attached.
 */
export const THING_VARIABLE = '${iot:Connection.Thing.ThingName}';

export const DEVICE_POLICY_PREFIX = 'smartstock-device-';

export function devicePolicyName(thingName: string): string {
  return `${DEVICE_POLICY_PREFIX}${assertDeviceId(thingName)}`;
}

/** The thing a device policy was made for, or null for a policy `devicePolicyName` did not name. */
export function thingOfDevicePolicy(policyName: string): string | null {
  if (!policyName.startsWith(DEVICE_POLICY_PREFIX)) return null;
  const thingName = policyName.slice(DEVICE_POLICY_PREFIX.length);
  return DEVICE_ID_PATTERN.test(thingName) ? thingName : null;
}

export interface PolicyStatement {
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/**
 * `arnPrefix` is `arn:aws:iot:{region}:{account}`, taken from the certificate's ARN.
 *
 * The device's own contract topics only, as the embedded broker allows them (protocol's
 * DEVICE_PUBLISHES, DEVICE_SUBSCRIBES, DEVICE_RETAINS). AWS IoT checks `iot:RetainPublish` besides
 * `iot:Publish` for a message with the RETAIN flag, the last will included, so granting it on the
 * status topic alone is the "retain only the status" rule: a retained observation or config ack is
 * refused (and the connection closed) by IoT itself.
 */
export function devicePolicyDocument(arnPrefix: string, thingName: string): PolicyDocument {
  const own = (kinds: readonly TopicKind[], resource: 'topic' | 'topicfilter') =>
    kinds.map((kind) => `${arnPrefix}:${resource}/${TOPIC_ROOT}/${THING_VARIABLE}/${kind}`);
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['iot:Connect'],
        Resource: [`${arnPrefix}:client/${assertDeviceId(thingName)}`],
        Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } },
      },
      { Effect: 'Allow', Action: ['iot:Publish'], Resource: own(DEVICE_PUBLISHES, 'topic') },
      { Effect: 'Allow', Action: ['iot:RetainPublish'], Resource: own(DEVICE_RETAINS, 'topic') },
      { Effect: 'Allow', Action: ['iot:Receive'], Resource: own(DEVICE_SUBSCRIBES, 'topic') },
      { Effect: 'Allow', Action: ['iot:Subscribe'], Resource: own(DEVICE_SUBSCRIBES, 'topicfilter') },
    ],
  };
}

/**
 * `arn:aws:iot:eu-west-1:123456789012:cert/abc` → `arn:aws:iot:eu-west-1:123456789012`; a policy's
 * ARN (`…:policy/name`) gives the same prefix, so an existing policy is checked without a certificate.
 */
export function arnPrefixOf(arn: string): string {
  const m = /^(arn:[^:]+:iot:[^:]+:\d+):(?:cert|policy)\//.exec(arn);
  if (!m) throw new Error(`unexpected certificate or policy ARN ${arn}`);
  return m[1]!;
}

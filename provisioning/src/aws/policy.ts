import { TOPIC_ROOT, assertDeviceId } from '@smartstock/protocol';

/**
 * The per-thing AWS IoT policy. Topics are confined with the
 * `${iot:Connection.Thing.ThingName}` variable, which AWS fills from the
 * thing attached to the connecting certificate, so a stolen key reaches
 * one bar's subtree and nothing else. Connecting is allowed only as the
 * device's own thing name (the MQTT client id) with the thing attached.
 */
export const THING_VARIABLE = '${iot:Connection.Thing.ThingName}';

export function devicePolicyName(thingName: string): string {
  return `smartstock-device-${assertDeviceId(thingName)}`;
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

/** `arnPrefix` is `arn:aws:iot:{region}:{account}`, taken from the certificate's ARN. */
export function devicePolicyDocument(arnPrefix: string, thingName: string): PolicyDocument {
  const subtree = `${TOPIC_ROOT}/${THING_VARIABLE}/*`;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['iot:Connect'],
        Resource: [`${arnPrefix}:client/${assertDeviceId(thingName)}`],
        Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } },
      },
      { Effect: 'Allow', Action: ['iot:Publish', 'iot:Receive'], Resource: [`${arnPrefix}:topic/${subtree}`] },
      { Effect: 'Allow', Action: ['iot:Subscribe'], Resource: [`${arnPrefix}:topicfilter/${subtree}`] },
    ],
  };
}

/** `arn:aws:iot:eu-west-1:123456789012:cert/abc` → `arn:aws:iot:eu-west-1:123456789012`. */
export function arnPrefixOf(certificateArn: string): string {
  const m = /^(arn:[^:]+:iot:[^:]+:\d+):cert\//.exec(certificateArn);
  if (!m) throw new Error(`unexpected certificate ARN ${certificateArn}`);
  return m[1]!;
}

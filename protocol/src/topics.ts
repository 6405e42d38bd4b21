/**
 * MQTT topics of the edge↔cloud contract, version 1.
 *
 * Every device topic carries the thing name so that one AWS IoT policy
 * (`${iot:Connection.Thing.ThingName}`) and the embedded broker's rule can
 * confine a device to its own subtree. At most 7 slashes (AWS IoT's limit).
 */
export const PROTOCOL_VERSION = 1 as const;
export const TOPIC_ROOT = 'smartstock/v1' as const;

/** AWS IoT thing names: 1–128 of [a-zA-Z0-9:_-]. Also safe as an MQTT topic level. */
export const DEVICE_ID_PATTERN = /^[a-zA-Z0-9:_-]{1,128}$/;

export const TOPIC_KINDS = ['obs', 'status', 'config', 'config/ack', 'snapshot/req', 'snapshot'] as const;
export type TopicKind = (typeof TOPIC_KINDS)[number];

/**
 * What a device may do on its own topics, the one rule every broker enforces (the embedded one in
 * cloud/src/broker/rules.ts, AWS IoT's per-thing policy, docker/mosquitto/acl as far as its ACL can).
 * Only its status is retained: a retained observation or config ack would be a stored message every
 * new subscriber replays, and the broker keeps it (aedes in the cloud's memory).
 */
export const DEVICE_PUBLISHES: readonly TopicKind[] = ['obs', 'status', 'config/ack', 'snapshot'];
/** What the cloud sends a device. */
export const DEVICE_SUBSCRIBES: readonly TopicKind[] = ['config', 'snapshot/req'];
/** A device's only retained topic: its status (and its last will there). */
export const DEVICE_RETAINS: readonly TopicKind[] = ['status'];

export function assertDeviceId(deviceId: string): string {
  if (!DEVICE_ID_PATTERN.test(deviceId)) {
    throw new Error(`invalid device id ${JSON.stringify(deviceId)}: expected 1-128 of [a-zA-Z0-9:_-]`);
  }
  return deviceId;
}

/** The certificate name the self-hosted broker's ACL lets read every device (docker/mosquitto/acl): never a device's. */
export const CLOUD_CERTIFICATE_NAME = 'smartstock-cloud';

/** Why a device may not be given this id (its certificate would be the cloud's), or null. */
export function reservedDeviceIdReason(deviceId: string): string | null {
  return deviceId.toLowerCase() === CLOUD_CERTIFICATE_NAME
    ? `device id ${JSON.stringify(deviceId)} is the cloud's own certificate name, which the broker lets read every device: choose another`
    : null;
}

function topic(deviceId: string, kind: TopicKind): string {
  return `${TOPIC_ROOT}/${assertDeviceId(deviceId)}/${kind}`;
}

export const TOPICS = {
  obs: (deviceId: string) => topic(deviceId, 'obs'),
  status: (deviceId: string) => topic(deviceId, 'status'),
  config: (deviceId: string) => topic(deviceId, 'config'),
  configAck: (deviceId: string) => topic(deviceId, 'config/ack'),
  snapshotRequest: (deviceId: string) => topic(deviceId, 'snapshot/req'),
  snapshot: (deviceId: string) => topic(deviceId, 'snapshot'),
  /** The subtree a device may publish and subscribe under. */
  deviceRoot: (deviceId: string) => `${TOPIC_ROOT}/${assertDeviceId(deviceId)}/`,
  /** Wildcard filters the cloud subscribes to. */
  all: (kind: TopicKind) => `${TOPIC_ROOT}/+/${kind}`,
  /** MQTT 5 shared subscription so each message reaches one cloud instance. */
  shared: (group: string, kind: TopicKind) => `$share/${group}/${TOPIC_ROOT}/+/${kind}`,
} as const;

export interface ParsedTopic {
  deviceId: string;
  kind: TopicKind;
}

/** Parses a concrete (non-wildcard) topic; null when it is not one of ours. */
export function parseTopic(t: string): ParsedTopic | null {
  const prefix = `${TOPIC_ROOT}/`;
  if (!t.startsWith(prefix)) return null;
  const rest = t.slice(prefix.length);
  const slash = rest.indexOf('/');
  if (slash < 0) return null;
  const deviceId = rest.slice(0, slash);
  const kind = rest.slice(slash + 1) as TopicKind;
  if (!DEVICE_ID_PATTERN.test(deviceId) || !TOPIC_KINDS.includes(kind)) return null;
  return { deviceId, kind };
}

import mqtt, { type MqttClient } from 'mqtt';
import { TOPICS, type DeviceStatus } from '@smartstock/protocol';
import type { LoadedBundle } from '../bundle/index.js';
import type { CloudClient } from '../cloud-client.js';
import { fail, pass, type Step } from './checks.js';

/**
 * The live part of `verify`: connect as the device, publish a status, and
 * see it arrive in the cloud. A broker that drops the connection without a
 * reason is how AWS IoT answers an inactive certificate or a missing policy.
 */
export interface RoundTripOptions {
  timeoutMs: number;
  /** How long to wait for the cloud to record the status. */
  cloudWaitMs: number;
  cloud?: CloudClient | undefined;
  agentVersion: string;
}

export async function roundTrip(b: LoadedBundle, o: RoundTripOptions): Promise<Step[]> {
  const steps: Step[] = [];
  const client = mqtt.connect(b.mqttUrl, {
    clientId: b.deviceId,
    key: b.keyPem,
    cert: b.certPem,
    ca: b.caPem,
    reconnectPeriod: 0,
    connectTimeout: o.timeoutMs,
    clean: true,
  });
  try {
    const refused = await connected(client);
    if (refused) {
      steps.push(refused);
      return steps;
    }
    steps.push(pass('connect', `connected as ${b.deviceId}`));

    const before = o.cloud ? await o.cloud.getDevice(b.deviceId) : null;
    if (o.cloud && !before) {
      steps.push(
        fail(
          'cloud',
          `the cloud does not know device ${b.deviceId}`,
          'register it: `device create … --cloud-url`, or check you are signed in to the right organisation',
        ),
      );
    }
    const status: DeviceStatus = {
      v: 1,
      deviceId: b.deviceId,
      state: 'online',
      at: new Date().toISOString(),
      agentVersion: o.agentVersion,
      uptimeS: 0,
      cameras: [],
      inferenceMs: { p50: 0, p99: 0 },
      models: {},
      outbox: { depth: 0, droppedRows: 0 },
      configRevision: 0,
    };
    const published = await publish(client, TOPICS.status(b.deviceId), JSON.stringify(status), o.timeoutMs);
    if (published) {
      steps.push(published);
      return steps;
    }
    steps.push(pass('publish', `status accepted by the broker on ${TOPICS.status(b.deviceId)}`));

    if (o.cloud && before) steps.push(await arrived(o.cloud, b.deviceId, before.lastSeenAt ?? null, o.cloudWaitMs));
    // leave the truth behind: the agent is not running yet
    const offline: DeviceStatus = { v: 1, deviceId: b.deviceId, state: 'offline', at: new Date().toISOString(), graceful: true };
    await publish(client, TOPICS.status(b.deviceId), JSON.stringify(offline), o.timeoutMs);
    return steps;
  } finally {
    client.end(true);
  }
}

function connected(client: MqttClient): Promise<Step | null> {
  const dropped =
    'the certificate is inactive or revoked, or (AWS) the policy or thing is not attached to it: `device list` shows its status; `device rotate-cert` issues a working one';
  return new Promise((resolve) => {
    client.once('connect', () => resolve(null));
    client.once('error', (e: Error & { code?: number | string }) => {
      if (e.code === 5 || e.code === 135) resolve(fail('connect', 'the broker refused this device (not authorised)', dropped));
      else if (e.code === 2 || e.code === 133)
        resolve(
          fail(
            'connect',
            'the broker rejected the client id',
            'the client id must be the thing name: keep deviceId as written by `device create`',
          ),
        );
      else if (/certificate|alert|unknown ca/i.test(e.message))
        resolve(fail('connect', `the broker rejected the device certificate (${e.message})`, dropped));
      else resolve(fail('connect', `MQTT connection failed: ${e.message}`, dropped));
    });
    client.once('close', () => resolve(fail('connect', 'the broker closed the connection before accepting it', dropped)));
  });
}

function publish(client: MqttClient, topic: string, payload: string, timeoutMs: number): Promise<Step | null> {
  const denied = fail(
    'publish',
    `the broker dropped the connection on publishing to ${topic}`,
    'the policy does not allow this topic: recreate it with `device rotate-cert` (it re-attaches the SmartStock policy)',
  );
  return new Promise((resolve) => {
    const timer = setTimeout(
      () =>
        resolve(fail('publish', 'no acknowledgement from the broker', 'the broker is overloaded or the policy silently drops the message')),
      timeoutMs,
    );
    client.once('close', () => (clearTimeout(timer), resolve(denied)));
    client.publish(topic, payload, { qos: 1, retain: true }, (err) => {
      clearTimeout(timer);
      resolve(err ? denied : null);
    });
  });
}

async function arrived(cloud: CloudClient, id: string, previous: string | null, waitMs: number): Promise<Step> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const device = await cloud.getDevice(id);
    if (device?.lastSeenAt && device.lastSeenAt !== previous)
      return pass('cloud', `the cloud recorded the status (last seen ${device.lastSeenAt})`);
    if (Date.now() > deadline)
      return fail(
        'cloud',
        `the status did not reach the cloud within ${Math.round(waitMs / 1000)} s`,
        "the cloud is not subscribed to this broker: check the cloud's MQTT_URL points at the same endpoint",
      );
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

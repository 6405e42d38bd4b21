import { readFileSync } from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import { TOPICS, type DeviceStatus } from '@smartstock/protocol';
import { redactUrl, type Logger } from '@smartstock/runtime';
import type { AgentConfig } from '../config/schema.js';
import { backoffDelay } from '../backoff.js';

/**
 * One MQTT connection: mutual TLS with the device certificate, client id = thing
 * name (AWS IoT requires it), a persistent session (clean: false, and over
 * MQTT 5 an hour's expiry, AWS IoT's default) so QoS 1 messages in flight
 * survive a reconnect, and the retained last will "offline".
 */
export function connectMqtt(config: AgentConfig, log: Logger): MqttClient {
  const m = config.mqtt;
  const will: DeviceStatus = { v: 1, deviceId: config.deviceId, state: 'offline' };
  let attempt = 0;
  const client = mqtt.connect(m.url, {
    clientId: config.deviceId,
    clean: false,
    ...(m.protocolVersion === 5 ? { protocolVersion: 5, properties: { sessionExpiryInterval: 3600 } } : { protocolVersion: 4 }),
    keepalive: m.keepaliveSeconds,
    connectTimeout: 30_000,
    reconnectPeriod: backoffDelay(0, m.reconnectMinMs, m.reconnectMaxMs),
    // Read once here; the paths are logged, the PEM contents never are.
    ca: m.caFile ? readFileSync(m.caFile) : undefined,
    cert: m.certFile ? readFileSync(m.certFile) : undefined,
    key: m.keyFile ? readFileSync(m.keyFile) : undefined,
    rejectUnauthorized: true,
    // A refused CONNACK (broker restarting, policy being attached) is retried like any outage: the device runs unattended.
    reconnectOnConnackError: true,
    will: { topic: TOPICS.status(config.deviceId), payload: Buffer.from(JSON.stringify(will)), qos: 1, retain: true },
  });
  client.on('connect', (connack) => {
    attempt = 0;
    client.options.reconnectPeriod = backoffDelay(0, m.reconnectMinMs, m.reconnectMaxMs);
    log.info({ broker: redactUrl(m.url), sessionPresent: connack.sessionPresent }, 'connected');
  });
  client.on('close', () => {
    // mqtt.js reads reconnectPeriod when it schedules the next try: grow it here.
    attempt += 1;
    client.options.reconnectPeriod = backoffDelay(attempt, m.reconnectMinMs, m.reconnectMaxMs);
    const line = { attempt, nextInMs: client.options.reconnectPeriod };
    // the first close of a connection the agent did not end itself is news (once, not per retry):
    // the counts wait in the outbox, and the reader learns where to look
    if (attempt === 1 && !client.disconnecting)
      log.warn(
        { ...line, broker: redactUrl(m.url) },
        'lost the broker: counts wait in the outbox and go once it is back; retrying (if it lasts, check the network and that the broker is up)',
      );
    else log.debug(line, 'connection closed');
  });
  client.on('error', (err) => log.warn({ err: err.message }, 'mqtt error'));
  return client;
}

import { connectAsync, type MqttClient, type IClientOptions } from 'mqtt';
import { deviceCert } from './pki.js';

/** A simulated edge device: mqtt.js over mutual TLS with a certificate whose CN is its thing name. */
export async function connectDevice(brokerUrl: string, thingName: string, over: Partial<IClientOptions> = {}): Promise<MqttClient> {
  const c = deviceCert(thingName);
  return connectAsync(brokerUrl, {
    clientId: thingName,
    key: c.keyPem,
    cert: c.certPem,
    ca: c.caPem,
    rejectUnauthorized: true,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    ...over,
  });
}

/** Polls until fn returns a truthy value (no wall-clock assertion: the test timeout is the only limit). */
export async function waitFor<T>(fn: () => Promise<T> | T, intervalMs = 50): Promise<NonNullable<T>> {
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

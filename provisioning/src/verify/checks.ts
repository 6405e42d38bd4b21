import { X509Certificate, createPrivateKey } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { connect as tcpConnect, isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { DEVICE_ID_PATTERN } from '@smartstock/protocol';
import type { LoadedBundle } from '../bundle/index.js';
import { AMAZON_ROOT_CA1 } from '../bundle/index.js';

/**
 * The offline and transport-level checks of `verify`, in the order a
 * connection fails: the files, the clock, the endpoint, the broker's TLS.
 * Each failure names the most likely fix.
 */
export interface Step {
  step: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

export const fail = (step: string, detail: string, fix: string): Step => ({ step, ok: false, detail, fix });
export const pass = (step: string, detail: string): Step => ({ step, ok: true, detail });

export function checkFiles(b: LoadedBundle): Step {
  if (!DEVICE_ID_PATTERN.test(b.deviceId))
    return fail('bundle', `deviceId ${JSON.stringify(b.deviceId)} is not a thing name`, 'recreate the bundle with `device create`');
  if (!/^(mqtts|ssl|tls):\/\//.test(b.mqttUrl))
    return fail('bundle', `mqtt.url ${JSON.stringify(b.mqttUrl)} is not an mqtts:// URL`, 'set mqtt.url to mqtts://<endpoint>:8883');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(b.certPem);
  } catch {
    return fail('bundle', 'device.crt is not a PEM certificate', 'recreate the bundle with `device create` or `device rotate-cert`');
  }
  try {
    if (!cert.checkPrivateKey(createPrivateKey(b.keyPem)))
      return fail('bundle', 'device.key does not belong to device.crt', 'copy both files from the same bundle');
  } catch {
    return fail('bundle', 'device.key is not a PEM private key', 'copy device.key from the bundle again');
  }
  const host = new URL(b.mqttUrl).hostname;
  if (host.endsWith('.amazonaws.com') && b.caPem.trim() !== AMAZON_ROOT_CA1.trim())
    return fail(
      'bundle',
      'the endpoint is AWS IoT but ca.crt is not Amazon Root CA 1',
      'use the ca.crt written by `device create` (AmazonRootCA1.pem)',
    );
  return pass('bundle', `device ${b.deviceId}, certificate ${cert.fingerprint256.replaceAll(':', '').toLowerCase().slice(0, 16)}…`);
}

export function checkClock(b: LoadedBundle, now: Date): Step {
  const cert = new X509Certificate(b.certPem);
  const from = new Date(cert.validFrom);
  const to = new Date(cert.validTo);
  if (now < from)
    return fail(
      'clock',
      `this computer's clock (${now.toISOString()}) is before the certificate's start (${from.toISOString()})`,
      'the clock is wrong: turn on network time (`timedatectl set-ntp true`) and check the time zone, then retry',
    );
  if (now > to)
    return fail(
      'clock',
      `the certificate expired at ${to.toISOString()}`,
      'if the clock is right, `device rotate-cert` for a new certificate',
    );
  return pass('clock', `certificate valid until ${to.toISOString().slice(0, 10)}`);
}

export async function checkEndpoint(b: LoadedBundle, timeoutMs: number): Promise<Step> {
  const url = new URL(b.mqttUrl);
  const port = Number(url.port || 8883);
  const wrong = 'check mqtt.url in agent.yaml (for AWS: `aws iot describe-endpoint --endpoint-type iot:Data-ATS`)';
  try {
    await lookup(url.hostname);
  } catch {
    return fail('endpoint', `${url.hostname} does not resolve: wrong endpoint, or no DNS on this network`, wrong);
  }
  const result = await new Promise<string | null>((resolve) => {
    const socket = tcpConnect({ host: url.hostname, port, timeout: timeoutMs });
    socket.once('connect', () => (socket.destroy(), resolve(null)));
    socket.once('timeout', () => (socket.destroy(), resolve('timeout')));
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
  if (result === 'ECONNREFUSED') return fail('endpoint', `nothing listens on ${url.hostname}:${port}`, `${wrong}; is the broker running?`);
  if (result)
    return fail(
      'endpoint',
      `cannot reach ${url.hostname}:${port} (${result})`,
      'a firewall may block outgoing port 8883: open it, or ask the venue IT',
    );
  return pass('endpoint', `${url.hostname}:${port} reachable`);
}

/** The broker's certificate against ca.crt: catches a wrong CA file, a wrong host, and a clock far off. */
export async function checkBrokerTls(b: LoadedBundle, timeoutMs: number): Promise<Step> {
  const url = new URL(b.mqttUrl);
  const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
    const socket = tlsConnect({
      host: url.hostname,
      port: Number(url.port || 8883),
      ...(isIP(url.hostname) ? {} : { servername: url.hostname }),
      ca: b.caPem,
      cert: b.certPem,
      key: b.keyPem,
      timeout: timeoutMs,
    });
    socket.once('secureConnect', () => (socket.destroy(), resolve(null)));
    socket.once('timeout', () => (socket.destroy(), resolve(Object.assign(new Error('TLS handshake timed out'), { code: 'ETIMEDOUT' }))));
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err));
  });
  if (!err) return pass('tls', "the broker's certificate is trusted by ca.crt");
  if (err.code === 'CERT_NOT_YET_VALID' || err.code === 'CERT_HAS_EXPIRED')
    return fail(
      'tls',
      `the broker's certificate looks ${err.code === 'CERT_NOT_YET_VALID' ? 'not yet valid' : 'expired'} to this computer`,
      'the clock is wrong: turn on network time (`timedatectl set-ntp true`)',
    );
  if (err.code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return fail(
      'tls',
      `the broker's certificate is not for ${url.hostname}`,
      'wrong endpoint in mqtt.url, or the broker certificate lacks this host name',
    );
  if (/CERT|SIGNATURE|ISSUER|SELF_SIGNED/.test(err.code ?? ''))
    return fail(
      'tls',
      `ca.crt does not trust the broker (${err.code})`,
      'wrong ca.crt or wrong endpoint: use the bundle written for this broker',
    );
  return fail(
    'tls',
    `TLS failed: ${err.code ?? err.message}`,
    "the broker refused this device certificate: is it from this broker's CA, and active?",
  );
}

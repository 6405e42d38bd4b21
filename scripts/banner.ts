/**
 * What `npm start` prints once the stack is up. Pure, so the exact wording, and the exact
 * flags a technician copies, are tested without starting anything.
 */
import { resolve } from 'node:path';
// where this machine is reached from elsewhere: shared with the broker, whose certificate must hold the same names
import { advertisedHost, isLoopback, listensOnEveryAddress } from '@smartstock/runtime';

export interface BannerInput {
  url: string;
  brokerUrl: string;
  /** the embedded broker's local CA; undefined with an external broker (its own CA then) */
  pkiDir: string | undefined;
  demo: { deviceId: string; cameraUrl: string; venueId: string } | undefined;
  /** set only on the first start */
  oneTimeSignIn: { email: string; password: string } | undefined;
  /**
   * The addresses the cloud (http.host) and its embedded broker (broker.embedded.host; undefined with an
   * external broker) listen on. With none, the URLs are printed as given.
   */
  listen?: { http: string; broker: string | undefined };
  /** This machine's name on the network (networkName()), printed where a server listens on every address. */
  networkName?: string;
}

/** The URL with its host replaced by `host`. */
const withHost = (url: string, host: string) =>
  url.replace(/^([a-z][\w+.-]*:\/\/)(\[[^\]]*\]|[^:/]*)/i, `$1${host.includes(':') ? `[${host}]` : host}`);

/**
 * The URLs as a technician connects to them. A cloud listening on every address reports a URL of
 * 0.0.0.0, [::] or 127.0.0.1, which names nothing a phone or a device elsewhere can reach: the
 * machine's network name stands in. The embedded broker always listens on every address and names
 * itself localhost: it takes the name the cloud was opened on (the network name for --host 0.0.0.0,
 * the address itself for --host 192.168.1.23), which its certificate holds (advertisedHost, shared
 * with the broker); a stack for this machine alone keeps localhost.
 */
export function reachableUrls(b: Pick<BannerInput, 'url' | 'brokerUrl' | 'listen' | 'networkName'>): { url: string; brokerUrl: string } {
  if (!b.listen || !b.networkName || isLoopback(b.listen.http)) return { url: b.url, brokerUrl: b.brokerUrl };
  const brokerHost = b.listen.broker === undefined ? undefined : advertisedHost(b.listen.broker, b.listen.http, b.networkName);
  return {
    url: listensOnEveryAddress(b.listen.http) ? withHost(b.url, b.networkName) : b.url,
    brokerUrl: brokerHost ? withHost(b.brokerUrl, brokerHost) : b.brokerUrl,
  };
}

/** A value as one shell word: quoted only when it needs to be. */
const shellWord = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/**
 * The provisioning command for a real device against this stack. The demo may run on ports other
 * than the CLI's defaults (mqtts://localhost:8883, ./data/pki), so the flags carry the real ones:
 * a bundle made with the defaults would point its agent at a broker that is not there.
 */
export function provisionCommand(b: Pick<BannerInput, 'url' | 'brokerUrl' | 'pkiDir' | 'demo'>): string | undefined {
  if (!b.pkiDir) return undefined;
  return [
    'npx smartstock-provision device create --local',
    `--ca-dir ${shellWord(resolve(b.pkiDir))}`,
    `--mqtt-url ${shellWord(b.brokerUrl)}`,
    `--cloud-url ${shellWord(b.url)}`,
    `--venue ${b.demo ? b.demo.venueId : '<venue id>'}`,
    `--name '<device name>'`,
  ].join(' ');
}

export function startBanner(input: BannerInput): string {
  const b = { ...input, ...reachableUrls(input) };
  const provision = provisionCommand(b);
  return [
    '',
    `SmartStock is up.`,
    `  dashboard  ${b.url}/`,
    `  API docs   ${b.url}/docs`,
    `  broker     ${b.brokerUrl}`,
    b.demo ? `  demo       edge agent ${b.demo.deviceId} watching ${b.demo.cameraUrl}` : '  demo       off',
    b.oneTimeSignIn
      ? `  sign in    ${b.oneTimeSignIn.email} / ${b.oneTimeSignIn.password}  (one-time: you will be asked to change it)`
      : `  sign in    with the owner account made on the first start`,
    ...(provision
      ? [
          'A real device: make its bundle against this broker and CA (sign in through SMARTSTOCK_EMAIL and SMARTSTOCK_PASSWORD, or SMARTSTOCK_TOKEN):',
          `  ${provision}`,
        ]
      : ['A real device: provision it for the external broker (MQTT_URL) with its own CA.']),
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}

/** A duration as a person reads it: "0.8 s", "4 min 12 s", "2 h 5 min". */
export function duration(ms: number): string {
  if (ms < 60_000) return `${(Math.round(ms / 100) / 10).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** The last line of `npm start`: how long the stop took, how long it ran, and what stopped how. */
export function stopSummary(s: { stopMs: number; upMs: number; demo: 'stopped' | 'failed' | 'cut short' | 'off'; cloud: string }): string {
  const demo = {
    off: '',
    stopped: 'demo agent and camera stopped; ',
    failed: 'demo did not stop cleanly (see the warn line above); ',
    'cut short': 'demo start cut short; ',
  }[s.demo];
  return `stopped in ${duration(s.stopMs)} after ${duration(s.upMs)} up: ${demo}cloud: ${s.cloud}.\n`;
}

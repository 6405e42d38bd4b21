/**
 * `npm start`: the whole SmartStock stack on its embedded defaults, in one process.
 * Switches win over environment variables, which win over defaults.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  assertPortFree,
  describeStop,
  exitOnPortInUse,
  loadConfigOrExit,
  stopOnSignal,
  writeBesideLog,
  type Logger,
} from '@smartstock/runtime';
import { loadCloudConfig, startCloud, type RunningCloud } from '@smartstock/cloud';
import { startDemo, type RunningDemo } from './demo/index.js';
import { DEMO_RTSP_PORT_KEY } from './demo/camera.js';
import { networkName } from '@smartstock/runtime';
import { startBanner, stopSummary } from './banner.js';

const HELP = `Usage: npm start -- [options]

Starts SmartStock on its embedded defaults, in one process: the cloud on PGlite
in the data directory with its embedded MQTT broker (TLS, local CA made on first
start) and the dashboard, plus a demo bar: a venue with its items, a generated
back-bar video on a local RTSP camera, and an edge agent provisioned like a real
one that counts the shelf. A second start reuses the data.

Options:
  --port <n>         HTTP port of the cloud and dashboard (env PORT, default 8080)
  --host <addr>      address to listen on (env HOST, default 127.0.0.1); 0.0.0.0 opens
                     the stack to devices on the bar's network
  --broker-port <n>  embedded MQTT broker's TLS port (env BROKER_PORT, default 8883)
  --broker-name <name>
                     one more host name or IP address for the broker's TLS certificate,
                     repeatable (env BROKER_HOSTNAMES, comma-separated); localhost, this
                     machine's IPv4 addresses and its host name are in it already. A kept
                     certificate lacking a name is re-issued from the same CA
  --rtsp-port <n>    the demo camera's RTSP ports n and n+1 (env RTSP_PORT, default 8554)
  --data-dir <dir>   where the database and files live (env DATA_DIR, default ./data)
  --no-demo          start without the demo venue, camera and edge agent
  -h, --help         show this help
`;

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'broker-port': { type: 'string' },
    'broker-name': { type: 'string', multiple: true },
    'rtsp-port': { type: 'string' },
    'data-dir': { type: 'string' },
    'no-demo': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
const rtspPort = Number(values['rtsp-port'] ?? process.env.RTSP_PORT ?? 8554);
if (!Number.isInteger(rtspPort) || rtspPort < 1 || rtspPort > 65534) {
  process.stderr.write(`--rtsp-port (or RTSP_PORT) must be a port from 1 to 65534, not ${values['rtsp-port'] ?? process.env.RTSP_PORT}\n`);
  process.exit(2);
}
/** What moves each port, for the one line a port in use prints (exit 2). */
const MOVE_WITH = {
  'http.port': '--port (or PORT)',
  'broker.embedded.port': '--broker-port (or BROKER_PORT)',
  [DEMO_RTSP_PORT_KEY]: '--rtsp-port (or RTSP_PORT; it takes n and n+1)',
};

const config = loadConfigOrExit(() =>
  loadCloudConfig({
    overrides: {
      'http.port': num(values.port),
      'http.host': values.host,
      'broker.embedded.port': num(values['broker-port']),
      'broker.embedded.hostnames': values['broker-name'],
      dataDir: values['data-dir'],
    },
  }),
);
// every port is checked before the first start's dashboard build, so one in use fails at once
await exitOnPortInUse(async () => {
  await assertPortFree(config.http.host, config.http.port, 'http.port');
  if (!config.broker.url) await assertPortFree(config.broker.embedded.host, config.broker.embedded.port, 'broker.embedded.port');
  if (!values['no-demo']) for (const p of [rtspPort, rtspPort + 1]) await assertPortFree(config.http.host, p, DEMO_RTSP_PORT_KEY);
}, MOVE_WITH);
// a fresh clone has no dashboard build yet: make it once (a few seconds), as the README promises
if (!existsSync(new URL('../dashboard/dist/index.html', import.meta.url))) {
  process.stdout.write('building the dashboard (first start only)…\n');
  const b = spawnSync('npm', ['run', 'build', '-w', 'dashboard', '--silent'], { stdio: 'inherit' });
  if (b.status !== 0) process.stderr.write('the dashboard did not build; the API still starts\n');
}

// a reader that went away (`npm start | head`, or npm shutting down a socket stdout as it
// exits on Ctrl-C) must not crash the stack halfway through stopping
for (const out of [process.stdout, process.stderr])
  out.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });

/** the cloud's log once it has started: console lines then go out through its buffer, in order with its lines */
const consoleLog: { logger?: Logger } = {};
/** A console line among the log's lines; before the cloud has a logger, written at once. */
function say(text: string): void {
  if (consoleLog.logger) writeBesideLog(consoleLog.logger, text);
  else writeSync(1, text);
}

// Ctrl-C at any point stops what has started, so the handler is in place before the cloud starts.
// A cloud still starting is let finish (seconds), then stopped; a demo still starting (its first video
// takes a minute) is not waited for: its ffmpeg children end with this process's pipes.
/** set once the cloud is starting; read by the stop, which may come first */
const starting: { cloud?: Promise<RunningCloud> } = {};
let demo: RunningDemo | undefined;
let demoStarting = false;
let stopRequested = false;
let summary = 'stopped.\n';
stopOnSignal(
  async () => {
    stopRequested = true;
    const stopping = performance.now();
    const cloud = await starting.cloud?.catch(() => undefined);
    const demoStop = demo
      ? await demo.stop().then(
          () => 'stopped' as const,
          (e: unknown) => {
            cloud?.logger.child({ module: 'demo' }).warn({ err: e }, 'the demo did not stop cleanly; the cloud stops anyway');
            return 'failed' as const;
          },
        )
      : demoStarting
        ? ('cut short' as const)
        : ('off' as const);
    const report = await cloud?.stop();
    summary = stopSummary({
      stopMs: performance.now() - stopping,
      upMs: stopping /* since the process began */,
      demo: demoStop,
      cloud: report ? describeStop(report) : 'it had not started',
    });
  },
  { onSignal: () => say('\nstopping…\n'), onStopped: () => say(summary) },
);

starting.cloud = exitOnPortInUse(() => startCloud(config), MOVE_WITH);
const cloud = await starting.cloud;
consoleLog.logger = cloud.logger;

if (!values['no-demo'] && !stopRequested) {
  demoStarting = true;
  const owner = cloud.seededOwner;
  // a one-time password signs in only to change itself: on the first start the demo is set up with a token of this process's own
  const auth = owner?.oneTimePassword
    ? { token: cloud.ownerAccessToken() }
    : config.owner.email && config.owner.password
      ? { email: config.owner.email, password: config.owner.password }
      : undefined;
  try {
    const options = { dataDir: config.dataDir, host: config.http.host, rtspPort, auth };
    demo = await exitOnPortInUse(
      () => startDemo(cloud, options),
      MOVE_WITH,
      async () => void (await cloud.stop()),
    );
  } catch (e) {
    // a stop during its start cuts it short: not a failure to report
    if (stopRequested) cloud.logger.child({ module: 'demo' }).debug({ err: e }, 'the demo start was cut short by the stop');
    else cloud.logger.child({ module: 'demo' }).error({ err: e }, 'the demo could not start; the cloud keeps running');
  }
  demoStarting = false;
}

if (!stopRequested)
  process.stdout.write(
    startBanner({
      url: cloud.url,
      brokerUrl: cloud.brokerUrl,
      pkiDir: cloud.pkiDir,
      demo,
      oneTimeSignIn: cloud.seededOwner?.oneTimePassword
        ? { email: cloud.seededOwner.email, password: cloud.seededOwner.oneTimePassword }
        : undefined,
      listen: { http: config.http.host, broker: config.broker.url ? undefined : config.broker.embedded.host },
      networkName: networkName(),
    }),
  );

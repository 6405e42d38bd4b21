/** The start banner gives a technician the exact flags for this stack's broker and CA, whatever ports it took. */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { duration, provisionCommand, startBanner, stopSummary } from '../../scripts/banner.js';

const stack = {
  url: 'http://127.0.0.1:18480',
  brokerUrl: 'mqtts://localhost:18883',
  pkiDir: 'data dir/pki',
  demo: { deviceId: 'demo-back-bar', cameraUrl: 'rtsp://127.0.0.1:18555/shelf', venueId: 'a1b2c3d4-0000-4000-8000-000000000001' },
  oneTimeSignIn: undefined,
};

/** The flags as a shell would split them. */
const argv = (command: string): string[] =>
  JSON.parse(
    execFileSync('sh', [
      '-c',
      `node -e 'console.log(JSON.stringify(process.argv.slice(1)))' -- ${command.replace(/^npx smartstock-provision /, '')}`,
    ]).toString(),
  ) as string[];

describe('the start banner', () => {
  it('prints the provisioning command with the broker and CA this stack really uses', () => {
    const banner = startBanner(stack);
    const command = provisionCommand(stack)!;
    expect(banner).toContain(command);
    const args = argv(command);
    const flag = (name: string) => args[args.indexOf(name) + 1];
    expect(args.slice(0, 3)).toEqual(['device', 'create', '--local']);
    expect(flag('--mqtt-url')).toBe('mqtts://localhost:18883');
    // absolute, so it works from any folder, and one word although it holds a space
    expect(flag('--ca-dir')).toBe(resolve('data dir/pki'));
    expect(flag('--cloud-url')).toBe('http://127.0.0.1:18480');
    expect(flag('--venue')).toBe(stack.demo.venueId);
  });

  it('says the external broker needs its own CA instead of printing a local one', () => {
    const banner = startBanner({ ...stack, pkiDir: undefined, demo: undefined });
    expect(banner).not.toContain('--ca-dir');
    expect(banner).toContain('MQTT_URL');
    expect(banner).toContain('demo       off');
  });
});

describe('the start banner of a stack open to the network (--host 0.0.0.0)', () => {
  const lan = '192.168.1.23';
  const line = (banner: string, label: string) => banner.split('\n').find((l) => l.startsWith(`  ${label} `))!;

  it('names the machine, not the address it listens on, in the dashboard, broker and provisioning URLs', () => {
    // what fastify reports for 0.0.0.0 and for ::, and the broker's own name for itself on every address
    for (const [host, url] of [
      ['0.0.0.0', 'http://127.0.0.1:18480'],
      ['::', 'http://[::]:18480'],
      ['0.0.0.0', 'http://0.0.0.0:18480'],
    ]) {
      const banner = startBanner({ ...stack, url: url!, listen: { http: host!, broker: '0.0.0.0' }, networkName: lan });
      expect(line(banner, 'dashboard')).toBe(`  dashboard  http://${lan}:18480/`);
      expect(line(banner, 'API docs')).toBe(`  API docs   http://${lan}:18480/docs`);
      expect(line(banner, 'broker')).toBe(`  broker     mqtts://${lan}:18883`);
      // the demo's camera stays on loopback: only the demo agent, on this machine, reads it
      const rest = banner.split('\n').filter((l) => !l.startsWith('  demo '));
      expect(rest.join('\n')).not.toMatch(/0\.0\.0\.0|\[::\]|127\.0\.0\.1|localhost/);
      const args = argv(
        banner
          .split('\n')
          .find((l) => l.includes('smartstock-provision'))!
          .trim(),
      );
      expect(args[args.indexOf('--mqtt-url') + 1]).toBe(`mqtts://${lan}:18883`);
      expect(args[args.indexOf('--cloud-url') + 1]).toBe(`http://${lan}:18480`);
    }
  });

  it('keeps the URLs of a stack for this machine alone, and an external broker as configured', () => {
    const local = startBanner({ ...stack, listen: { http: '127.0.0.1', broker: '0.0.0.0' }, networkName: lan });
    expect(local).toBe(startBanner(stack));
    const external = startBanner({
      ...stack,
      url: 'http://127.0.0.1:18480',
      brokerUrl: 'mqtts://broker.example.com:8883',
      pkiDir: undefined,
      listen: { http: '0.0.0.0', broker: undefined },
      networkName: lan,
    });
    expect(line(external, 'dashboard')).toBe(`  dashboard  http://${lan}:18480/`);
    expect(line(external, 'broker')).toBe('  broker     mqtts://broker.example.com:8883');
  });

  it('gives the broker the address a stack opened on one chosen address listens on, not localhost', () => {
    const banner = startBanner({
      ...stack,
      url: 'http://192.168.1.23:18480',
      listen: { http: '192.168.1.23', broker: '0.0.0.0' },
      networkName: '10.0.0.7',
    });
    expect(line(banner, 'dashboard')).toBe('  dashboard  http://192.168.1.23:18480/');
    expect(line(banner, 'broker')).toBe('  broker     mqtts://192.168.1.23:18883');
    const args = argv(
      banner
        .split('\n')
        .find((l) => l.includes('smartstock-provision'))!
        .trim(),
    );
    expect(args[args.indexOf('--mqtt-url') + 1]).toBe('mqtts://192.168.1.23:18883');
    // a broker bound to an address of its own keeps the URL it reports
    const own = startBanner({
      ...stack,
      brokerUrl: 'mqtts://10.0.0.7:18883',
      listen: { http: '0.0.0.0', broker: '10.0.0.7' },
      networkName: lan,
    });
    expect(line(own, 'broker')).toBe('  broker     mqtts://10.0.0.7:18883');
  });
});

describe('the stop summary', () => {
  it('says how long the stop took, how long the stack ran, and what stopped how', () => {
    expect(stopSummary({ stopMs: 512, upMs: 141_000, demo: 'stopped', cloud: '25 parts stopped cleanly' })).toBe(
      'stopped in 0.5 s after 2 min 21 s up: demo agent and camera stopped; cloud: 25 parts stopped cleanly.\n',
    );
    expect(duration(7_530_000)).toBe('2 h 5 min');
    expect(stopSummary({ stopMs: 10_400, upMs: 9_000, demo: 'failed', cloud: '24 of 25 parts stopped cleanly; late: broker' })).toContain(
      'demo did not stop cleanly (see the warn line above); cloud: 24 of 25',
    );
  });
});

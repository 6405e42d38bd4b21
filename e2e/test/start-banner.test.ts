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

/**
 * A port that something else holds stops `npm start` and the cloud with one line
 * that names the port and the flag or variable that moves it, and exit code 2
 * (as a bad configuration does), not with an unhandled EADDRINUSE and its stack.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../src/ports.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs a program of the repository to its end, with its own data folder. */
function run(script: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: mkdtempSync(join(tmpdir(), 'busy-port-')), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
}

describe('a port in use', () => {
  const held: Server[] = [];
  afterEach(async () => {
    await Promise.all(held.splice(0).map((s) => new Promise((r) => s.close(r))));
  });
  /** A port this test holds open on loopback for as long as the test runs. */
  const hold = async (port?: number): Promise<number> => {
    const s = createServer();
    held.push(s);
    await new Promise<void>((r) => s.listen(port ?? 0, '127.0.0.1', r));
    return (s.address() as { port: number }).port;
  };
  const oneLine = (stderr: string) => stderr.trim().split('\n');

  it.each([
    [
      'the HTTP port',
      '--port (or PORT)',
      (busy: number, free: number[]) => ['--port', String(busy), '--broker-port', String(free[0]), '--no-demo'],
    ],
    [
      'the embedded broker port',
      '--broker-port (or BROKER_PORT)',
      (busy: number, free: number[]) => ['--port', String(free[0]), '--broker-port', String(busy), '--no-demo'],
    ],
    [
      "the demo camera's RTSP port",
      '--rtsp-port (or RTSP_PORT',
      (busy: number, free: number[]) => ['--port', String(free[0]), '--broker-port', String(free[1]), '--rtsp-port', String(busy - 1)],
    ],
  ])('%s stops npm start with one line naming it and %s, exit 2', async (_what, moveWith, argsFor) => {
    const busy = await hold();
    const args = argsFor(busy, [await freePort(), await freePort()]);
    const r = await run('scripts/start.ts', ['--host', '127.0.0.1', ...args], { BROKER_HOST: '127.0.0.1' });
    expect(r.code, r.stderr).toBe(2);
    expect(oneLine(r.stderr), r.stderr).toEqual([expect.stringContaining(`port ${busy} on 127.0.0.1 is already in use`)]);
    expect(r.stderr).toContain(moveWith);
  });

  it("stops the cloud on the broker's port with one line naming BROKER_PORT, exit 2", async () => {
    const busy = await hold();
    const r = await run('cloud/src/main.ts', [], {
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      BROKER_HOST: '127.0.0.1',
      BROKER_PORT: String(busy),
    });
    expect(r.code, r.stderr).toBe(2);
    expect(oneLine(r.stderr), r.stderr).toEqual([
      `port ${busy} on 127.0.0.1 is already in use: stop what holds it, or choose another port with BROKER_PORT`,
    ]);
  });
});

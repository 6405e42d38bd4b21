/**
 * `npm start` read as a log: every JSON line names one `module`, and Ctrl-C stops the stack with one
 * summary line, exit 0, no stack trace, and nothing of its process group left running.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../src/ports.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The processes left in a process group (ps exits 1 when there are none). */
function groupMembers(pgid: number): string[] {
  try {
    return execFileSync('ps', ['-o', 'pid=,args=', '-g', String(pgid)])
      .toString()
      .trim()
      .split('\n')
      .filter(Boolean);
  } catch {
    return [];
  }
}

/** `npm start --no-demo` in its own process group (as a terminal gives it: what it leaves behind is then findable). */
async function startStack() {
  const args = ['--no-demo', '--host', '127.0.0.1', '--port', String(await freePort()), '--broker-port', String(await freePort())];
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: mkdtempSync(join(tmpdir(), 'start-stop-')), LOG_LEVEL: 'info', BROKER_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => (out.stdout += d));
  child.stderr.on('data', (d) => (out.stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, out, exited };
}

describe('npm start, then Ctrl-C', () => {
  it('logs one module per line, and stops with a summary, exit 0 and no orphan', async () => {
    const { child, out, exited } = await startStack();
    await waitFor(() => out.stdout.includes('Press Ctrl-C to stop.') || child.exitCode !== null, 90_000, 'the start banner');
    expect(child.exitCode, out.stderr).toBeNull();
    child.kill('SIGINT');
    expect(await exited, out.stderr).toBe(0);
    await waitFor(() => groupMembers(child.pid!).length === 0, 5_000, 'the process group to empty').catch(() => undefined);
    expect(groupMembers(child.pid!)).toEqual([]);

    const { stdout, stderr } = out;
    const lines = stdout.split('\n');
    const json = lines.filter((l) => l.startsWith('{'));
    expect(json.length).toBeGreaterThan(3);
    for (const l of json) expect(l.match(/"module":/g), l).toHaveLength(1);
    expect(json.map((l) => JSON.parse(l) as { module: string; msg: string }).at(-1)).toMatchObject({
      module: 'shutdown',
      msg: expect.stringMatching(/^cloud stopped: \d+ parts stopped cleanly$/),
    });
    // the last console line; the log's own last lines are written asynchronously and may follow it
    expect(lines.filter((line) => line && !line.startsWith('{')).at(-1)).toMatch(
      /^stopped in \d+\.\d s after (\d+\.\d s|\d+ min \d+ s) up: cloud: \d+ parts stopped cleanly\.$/,
    );
    expect(`${stdout}\n${stderr}`).not.toMatch(/^\s+at /m);
    expect(stderr).toBe('');
  }, 120_000);

  it('stops a cloud still starting the same way: exit 0, the summary, no banner', async () => {
    const { child, out, exited } = await startStack();
    // the database is ready, the HTTP server and the broker not yet
    await waitFor(() => out.stdout.includes('"database ready"') || child.exitCode !== null, 90_000, 'the first log line');
    child.kill('SIGINT');
    expect(await exited, out.stderr).toBe(0);
    const lines = out.stdout.split('\n').filter((line) => line && !line.startsWith('{'));
    expect(lines.at(-1)).toMatch(/^stopped in \d+\.\d s after .+ up: cloud: \d+ parts stopped cleanly\.$/);
    expect(out.stdout).not.toContain('SmartStock is up.');
    expect(out.stderr).toBe('');
    await waitFor(() => groupMembers(child.pid!).length === 0, 5_000, 'the process group to empty').catch(() => undefined);
    expect(groupMembers(child.pid!)).toEqual([]);
  }, 120_000);
});

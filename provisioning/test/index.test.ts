import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../src/index.js';
import { cli } from './helpers/cli.js';

const bin = fileURLToPath(new URL('../bin/smartstock-provision.js', import.meta.url));

function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('smartstock-provision', () => {
  it('the installed command prints help with exit codes, and bad usage exits 2', async () => {
    const help = await run('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes:');
    const bad = await run('device', 'create', '--no-such-flag');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown option|required option/);
  });

  it('ends quietly when the reader of its output stops early (| head)', async () => {
    const child = spawn(process.execPath, [bin, 'camera', 'probe', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader gone before the first line
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
  });

  it('every command has an example and every flag an environment variable', async () => {
    const leaves: string[][] = [];
    const walk = (c: Command, path: string[]) => {
      if (c.commands.length === 0) leaves.push(path);
      for (const sub of c.commands) walk(sub, [...path, sub.name()]);
    };
    walk(buildProgram({ stdout: () => undefined, stderr: () => undefined, isTty: false }, { code: 0 }), []);
    expect(leaves.length).toBeGreaterThanOrEqual(2);
    for (const path of leaves) {
      const { stdout, code } = await cli(...path, '--help');
      expect(code).toBe(0);
      expect(stdout, path.join(' ')).toContain('Example:');
      let c = buildProgram({ stdout: () => undefined, stderr: () => undefined, isTty: false }, { code: 0 });
      for (const name of path) c = c.commands.find((s) => s.name() === name)!;
      for (const o of c.options) expect(o.envVar, `${path.join(' ')} ${o.long}`).toMatch(/^[A-Z_]+$/);
    }
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const main = new URL('../../src/main.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'ss-main-'));
const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', main, ...args], { encoding: 'utf8', timeout: 60_000 });
const good = `deviceId: bar-1\ndataDir: ${dir}/data\nmqtt:\n  url: mqtt://localhost:1883\n`;

describe('smartstock-agent', () => {
  it('exits 2 naming the key when the config file is invalid', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, good + 'shelf:\n  consistentReadings: 0\n');
    const r = run('--config', file);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/config error: shelf\.consistentReadings: /);
  });

  it('exits 2 for an unknown key, and 2 without a file', () => {
    const file = join(dir, 'typo.yaml');
    writeFileSync(file, good + 'camras: []\n');
    const r = run('--config', file);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/camras/);
    expect(run().status).toBe(2);
  });

  it('exits 2 naming the key of a certificate path that cannot be read', () => {
    const file = join(dir, 'nocert.yaml');
    writeFileSync(
      file,
      `deviceId: bar-1\ndataDir: ${dir}/data\nmqtt:\n  url: mqtts://localhost:8883\n  caFile: ${file}\n  certFile: ${file}\n  keyFile: ${dir}/missing.key\n`,
    );
    const r = run('--config', file, '--validate-config');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/config error: mqtt\.keyFile: cannot read .*missing\.key \(ENOENT\)/);
  });

  it('--validate-config accepts a good file without starting anything', () => {
    const file = join(dir, 'good.yaml');
    writeFileSync(file, good);
    const r = run('--config', file, '--validate-config');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('config ok');
  });
});

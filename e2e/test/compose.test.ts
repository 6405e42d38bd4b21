/**
 * docker/compose.yaml as Docker Compose itself reads it (no engine needed for `config`), and the
 * host files it mounts. The stack is started outside Docker by compose.int.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCompose } from '../src/compose.js';

const DOCKER_DIR = fileURLToPath(new URL('../../docker/', import.meta.url));
const composeCli = (() => {
  if (spawnSync('docker', ['compose', 'version']).status === 0) return ['docker', 'compose'];
  if (spawnSync('docker-compose', ['version']).status === 0) return ['docker-compose'];
  return null;
})();

const config = (env: Record<string, string>) => {
  const [cmd, ...pre] = composeCli!;
  const e: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (!env.SMARTSTOCK_JWT_SECRET) delete e.SMARTSTOCK_JWT_SECRET;
  return spawnSync(cmd!, [...pre, '-f', 'compose.yaml', 'config'], { cwd: DOCKER_DIR, env: e, encoding: 'utf8' });
};

describe.runIf(composeCli)(`docker/compose.yaml with ${composeCli?.join(' ')}`, () => {
  it('is valid and names the secret it needs when it is missing', () => {
    const ok = config({ SMARTSTOCK_JWT_SECRET: 'x'.repeat(40) });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('cloud-2');
    const missing = config({});
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/SMARTSTOCK_JWT_SECRET/);
  });
});

describe('docker/compose.yaml host files', () => {
  it('mounts only files that exist, or that `npm run demo:video` writes', () => {
    const binds = Object.values(readCompose().services)
      .flatMap((s) => s.volumes ?? [])
      .map((v) => v.split(':')[0]!)
      .filter((src) => src.startsWith('.'));
    expect(binds.length).toBeGreaterThan(0);
    for (const src of binds) {
      if (src === './demo') continue; // generated: docker/demo/shelf.mp4 (scripts/demo/make-video.ts defaults there)
      expect(existsSync(new URL(src, `file://${DOCKER_DIR}`)), `${src} is mounted but missing`).toBe(true);
    }
  });
});

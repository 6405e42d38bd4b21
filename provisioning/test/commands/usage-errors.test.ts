import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

/** What a technician reads after a typo: the flag they typed, and the one they meant. */
describe('usage errors', () => {
  it('a misspelt required flag is reported as the unknown flag, with the one meant (exit 2)', async () => {
    const r = await cli('device', 'create', '--venu', 'rooftop', '--name', 'Main bar', '--local');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--venu'");
    expect(r.stderr).toContain('(Did you mean --venue?)');
    expect(r.stderr).not.toMatch(/required/);
  });

  it('a required flag left out is named, with its environment variable, and marked in the help', async () => {
    const r = await cli('device', 'create', '--name', 'Main bar', '--local');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing required option --venue <id> (or SMARTSTOCK_VENUE)');
    const help = await cli('device', 'create', '--help');
    expect(help.stdout).toMatch(/--venue <id>\s+the venue's id[^]*\(required\)/);
  });

  it('with --json, a usage error is a JSON object on stdout too, as every other failure is', async () => {
    const r = await cli('device', 'create', '--venu', 'rooftop', '--name', 'Main bar', '--json');
    expect(r.code).toBe(2);
    expect(r.json).toEqual({
      ok: false,
      error: "unknown option '--venu' (Did you mean --venue?)",
      fix: 'run the command with --help for its usage',
      exitCode: 2,
    });
  });

  it("a port out of range is a usage error naming --port, not node's words", async () => {
    const r = await cli('camera', 'preview', 'rtsp://127.0.0.1:554/stream1', '--port', '99999');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--port 99999 is not a port: give 0-65535');
    expect(r.stderr).not.toContain('options.port');
  });

  it("a path through a file is said in plain words, not node's ENOTDIR (exit 2)", async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'prov-usage-')), 'notes.txt');
    writeFileSync(file, 'not a folder');
    const r = await cli('ca', 'issue-server', '--ca-dir', join(file, 'pki'), '--out', join(file, 'certs'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`no local CA in ${join(file, 'pki')}`);
    const init = await cli('ca', 'init', '--ca-dir', join(file, 'pki'));
    expect(init.code).toBe(2);
    expect(init.stderr).toContain(`cannot create ${join(file, 'pki')}: part of that path is a file, not a folder`);
    expect(init.stderr).not.toContain('ENOTDIR');
  });
});

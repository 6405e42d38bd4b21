/**
 * The newcomer check: what someone who has just found SmartStock does.
 * Clone to a temporary folder, `npm ci`, `npm start`, wait until it says it
 * is up, sign in through the dashboard in Chromium, see a live shelf count,
 * press Ctrl-C and see it stop cleanly. Run by .ci/run; prints its figures.
 *
 *   npx tsx e2e/src/newcomer.ts [--repo DIR] [--keep]
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium } from '../../dashboard/test/support/browser.js';
import { freePort } from './ports.js';

const { values } = parseArgs({ options: { repo: { type: 'string', default: '.' }, keep: { type: 'boolean', default: false } } });
const repo = resolve(values.repo!);
const dir = mkdtempSync(join(tmpdir(), 'newcomer-'));
const figures: Record<string, string> = {};
const step = (s: string) => process.stdout.write(`newcomer: ${s}\n`);
let failed = false;
let appGroup: number | undefined;

try {
  step(`git clone ${repo} ${dir}`);
  execFileSync('git', ['clone', '-q', repo, dir], { stdio: 'inherit' });
  let t = Date.now();
  step('npm ci');
  execFileSync('npm', ['ci', '--no-fund', '--no-audit', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
  figures['npm ci'] = `${((Date.now() - t) / 1000).toFixed(0)} s`;

  const [port, brokerPort, rtspPort] = [await freePort(), await freePort(), 20_000 + Math.floor(Math.random() * 10_000)];
  step('npm start');
  const logPath = join(dir, 'npm-start.log');
  const logFd = openSync(logPath, 'w');
  const output = () => readFileSync(logPath, 'utf8');
  t = Date.now();
  const app = spawn('npm', ['start', '--', '--port', String(port), '--broker-port', String(brokerPort), '--rtsp-port', String(rtspPort)], {
    cwd: dir,
    // a file, as a terminal would be: npm shuts down a socket-pair stdout as it exits, which
    // would break the pipe under the stack while it is still stopping
    stdio: ['ignore', logFd, logFd],
    detached: true, // its own process group, so Ctrl-C reaches npm, tsx and node as a terminal's would
  });
  appGroup = app.pid;
  const exited = new Promise<string>((r) => app.once('exit', (code, signal) => r(code === null ? String(signal) : String(code))));
  const signIn = await waitFor(() => /sign in\s+(\S+) \/ (\S+)/.exec(output()), 180_000, 'npm start to say it is up', output);
  figures['npm start → ready'] = `${((Date.now() - t) / 1000).toFixed(1)} s`;
  const [, email, password] = signIn;

  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`http://127.0.0.1:${port}/#/`);
    await page.getByLabel('Email').fill(email!);
    await page.getByLabel('Password').fill(password!);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    // the printed password is one-time: the dashboard asks for one of the newcomer's own first
    const own = page.getByRole('heading', { name: 'Choose your own password' });
    await Promise.race([own.waitFor({ timeout: 30_000 }), page.getByRole('navigation', { name: 'Main' }).waitFor({ timeout: 30_000 })]);
    if (await own.isVisible()) {
      await page.getByLabel('New password', { exact: true }).fill('a newcomer at the back bar');
      await page.getByLabel('New password again').fill('a newcomer at the back bar');
      await page.getByRole('button', { name: 'Save password' }).click();
      step('chose a password of their own');
    }
    await page.getByRole('navigation', { name: 'Main' }).waitFor({ timeout: 30_000 });
    step('signed in');
    await page.goto(`http://127.0.0.1:${port}/#/shelves/demo-back-bar/back-bar`);
    // a slot showing a bottle count that came from the camera
    const counted = page.locator('[data-slot]:not([data-state="none"])').first();
    await counted.waitFor({ timeout: 120_000 });
    figures['npm start → first live count'] = `${((Date.now() - t) / 1000).toFixed(1)} s`;
    await page.screenshot({ path: join(tmpdir(), 'newcomer-shelf.png'), fullPage: true });
    step(`live count seen (screenshot ${join(tmpdir(), 'newcomer-shelf.png')})`);
  } finally {
    await browser.close();
  }

  t = Date.now();
  // Ctrl-C in a terminal: SIGINT to the whole foreground process group (npm, tsx, node)
  process.kill(-app.pid!, 'SIGINT');
  const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 30_000))]);
  if (code === 'hung') throw new Error('npm start did not stop within 30 s of Ctrl-C');
  // npm may die of the SIGINT itself at once; what matters is that everything it started stops, in order
  const left = await waitGone(app.pid!, [dir, `:${rtspPort}/`], 30_000);
  figures['Ctrl-C → stopped'] = `${((Date.now() - t) / 1000).toFixed(1)} s (npm exit ${code})`;
  if (left.length) throw new Error(`still running 30 s after Ctrl-C:\n${left.join('\n')}`);
  if (code !== '0' && code !== '130' && code !== 'SIGINT') throw new Error(`npm start exited ${code} on Ctrl-C:\n${output().slice(-3000)}`);
  const out = output();
  const afterStop = out.slice(out.indexOf('stopping…'));
  if (!/\bstopped\b/.test(afterStop)) throw new Error(`npm start did not say it stopped:\n${afterStop.slice(-3000)}`);
  const complaints = afterStop.split('\n').filter((l) => /"level":(4|5|6)0/.test(l));
  if (complaints.length) throw new Error(`warnings or errors while stopping:\n${complaints.join('\n').slice(-3000)}`);
} catch (e) {
  failed = true;
  process.stderr.write(`newcomer: FAILED: ${(e as Error).message}\n`);
} finally {
  try {
    if (failed && appGroup) process.kill(-appGroup, 'SIGKILL'); // leave nothing running behind a failed check
  } catch {
    // already gone
  }
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}
/** Processes left in npm's group or whose command line names the clone or the camera port, after waiting up to ms. */
async function waitGone(pgid: number, marks: string[], ms: number): Promise<string[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left: string[] = [];
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
        const group = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[2]);
        if (Number(pid) !== process.pid && (group === pgid || marks.some((m) => cmd.includes(m)))) left.push(`${pid} ${cmd}`);
      } catch {
        // gone while we looked
      }
    }
    if (!left.length || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 250));
  }
}

for (const [k, v] of Object.entries(figures)) step(`${k.padEnd(30)} ${v}`);
process.stdout.write(`newcomer: ${failed ? 0 : 1} passed, ${failed ? 1 : 0} failed\n`);
process.exit(failed ? 1 : 0);

async function waitFor<T>(probe: () => T | null | undefined, ms: number, what: string, context: () => string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}; output:\n${context().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { onPath } from '@smartstock/runtime';

const systemChromium = process.env.CHROMIUM_PATH || onPath('chromium');

/**
 * Which Chromium the tests drive, by one rule: CHROMIUM_PATH, else the first
 * `chromium` on PATH (Debian's), else the one @sparticuz/chromium ships inside
 * its npm package, so a machine with nothing but Node runs the browser tests.
 */
async function findChromium(): Promise<{ path: string; env?: NodeJS.ProcessEnv }> {
  if (systemChromium) return { path: systemChromium };
  const { path, libs } = await unpackPackaged();
  // with LANG unset or C its ICU locale is en-US@posix, which Intl refuses (the dashboard's dates then throw)
  return { path, env: { ...process.env, LD_LIBRARY_PATH: libs, FONTCONFIG_PATH: join(tmpdir(), 'fonts'), LANG: 'en_US.UTF-8' } };
}

/**
 * Unpacks the packaged Chromium (brotli archives, into the temp folder) once per machine, one
 * test file at a time. It links a few libraries (NSS, NSPR, expat) that a bare machine lacks; the
 * package carries them but unpacks them on AWS Lambda only, so they are unpacked here too.
 */
async function unpackPackaged(): Promise<{ path: string; libs: string }> {
  const dir = join(tmpdir(), 'smartstock-chromium');
  const ready = join(dir, 'ready');
  const lock = join(dir, 'unpacking');
  const libs = join(dir, 'lib');
  mkdirSync(dir, { recursive: true });
  for (const end = Date.now() + 180_000; Date.now() < end;) {
    if (existsSync(ready)) return { path: readFileSync(ready, 'utf8'), libs };
    try {
      mkdirSync(lock);
    } catch {
      await new Promise((r) => setTimeout(r, 250)); // another test file is unpacking it
      continue;
    }
    try {
      const { default: packaged } = await import('@sparticuz/chromium');
      const path = await packaged.executablePath();
      const bin = join(dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium')), '..', '..', 'bin');
      const tar = join(dir, 'libs.tar');
      writeFileSync(tar, brotliDecompressSync(readFileSync(join(bin, 'al2023.tar.br'))));
      execFileSync('tar', ['-xf', tar, '-C', dir]);
      rmSync(tar);
      writeFileSync(ready, path);
      return { path, libs };
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  throw new Error(`the packaged Chromium was not unpacked in 3 minutes; if no test is running, delete ${lock}`);
}

/** Chromium, headless, with nothing reaching out to the network on its own; `extraArgs` add to that. */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  const { path, env } = await findChromium();
  return chromium.launch({
    executablePath: path,
    ...(env ? { env } : {}),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

/** Chromium with one page of this size, whose waits give up after 20 s (the stack is slow on a loaded machine). */
export async function openPage(viewport: { width: number; height: number }): Promise<{ browser: Browser; page: Page }> {
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport });
  page.setDefaultTimeout(20_000);
  return { browser, page };
}

/**
 * Chromium whose camera plays `video` (a .y4m file), allowed without a prompt, with one page of this size.
 * Unless `native`, the page has no BarcodeDetector, so the scanner falls back to zxing-wasm.
 */
export async function openCameraPage(
  video: string,
  viewport: { width: number; height: number },
  native = false,
): Promise<{ browser: Browser; page: Page }> {
  const browser = await launchChromium([
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${video}`,
  ]);
  try {
    const context = await browser.newContext({ permissions: ['camera'], viewport });
    if (!native) await context.addInitScript(() => delete (globalThis as { BarcodeDetector?: unknown }).BarcodeDetector);
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    return { browser, page };
  } catch (err) {
    await browser.close();
    throw err;
  }
}

/** Where the dashboard tests leave their screenshots (ignored by git). */
export const SHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url));

/** Signs in from the start page and waits for the app behind it. */
export async function signIn(page: Page, url: string, who: { email: string; password: string }): Promise<void> {
  await page.goto(url + '/#/');
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
export const DESKTOP = { viewport: { width: 1280, height: 860 } };
export type Screen = 'phone' | 'desktop';

export interface PhoneAndDesktop {
  /** for pages of a test's own (a browser without speech, say) */
  browser: Browser;
  pages: Record<Screen, Page>;
  /** runs fn on the phone, then on the desktop */
  each(fn: (page: Page, screen: Screen) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

/** A 390 px phone and a desktop, each signed in as `who`: the manager's views checked on both. */
export async function phoneAndDesktop(url: string, who: { email: string; password: string }): Promise<PhoneAndDesktop> {
  const browser = await launchChromium();
  const pages = {} as Record<Screen, Page>;
  for (const [screen, opts] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    const page = await (await browser.newContext(opts)).newPage();
    page.setDefaultTimeout(20_000);
    await signIn(page, url, who);
    pages[screen] = page;
  }
  return {
    browser,
    pages,
    async each(fn) {
      for (const screen of ['phone', 'desktop'] as const) await fn(pages[screen], screen);
    },
    close: () => browser.close(),
  };
}

/** How far the page scrolls sideways: 0 when it fits its screen. (A string: e2e compiles this file without the DOM's types.) */
export const sidewaysOverflow = (p: Page): Promise<number> =>
  p.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');

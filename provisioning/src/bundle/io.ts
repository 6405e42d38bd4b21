import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';
import * as tar from 'tar';
import { writeSecret } from '@smartstock/pki';
import { BUNDLE_FILES, renderAgentYaml, type DeviceBundle } from './layout.js';

const TAR = /\.(tar|tar\.gz|tgz)$/;

export function isTarPath(out: string): boolean {
  return TAR.test(out);
}

/**
 * Writes the bundle to a folder, or to a .tar/.tar.gz when `out` ends so.
 * Refuses to overwrite an existing key unless `force`: a live device's key
 * replaced by accident would cut it off.
 */
export async function writeBundle(b: DeviceBundle, out: string, force = false): Promise<string> {
  const target = resolve(out);
  const existing = isTarPath(target) ? target : join(target, BUNDLE_FILES.key);
  if (existsSync(existing) && !force) throw new BundleExistsError(target);
  if (!isTarPath(target)) {
    writeFolder(b, target);
    return target;
  }
  const staging = mkdtempSync(join(tmpdir(), 'smartstock-bundle-'));
  try {
    writeFolder(b, staging);
    mkdirSync(dirname(target), { recursive: true });
    await tar.create({ file: target, cwd: staging, gzip: !target.endsWith('.tar'), portable: false }, Object.values(BUNDLE_FILES));
    chmodSync(target, 0o600); // it holds the private key
    return target;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

export class BundleExistsError extends Error {
  constructor(readonly path: string) {
    super(`a device bundle already exists at ${path}`);
  }
}

function writeFolder(b: DeviceBundle, dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, BUNDLE_FILES.config), renderAgentYaml(b));
  writeFileSync(join(dir, BUNDLE_FILES.cert), b.certPem);
  writeSecret(join(dir, BUNDLE_FILES.key), b.keyPem);
  writeFileSync(join(dir, BUNDLE_FILES.ca), b.caPem);
}

export interface LoadedBundle extends DeviceBundle {
  /** The folder the files were read from (a temporary one for a tar). */
  dir: string;
  config: Record<string, unknown>;
}

/** Reads a bundle folder or tar back, resolving the config's file paths against its folder. */
export async function readBundle(path: string): Promise<LoadedBundle> {
  let dir = resolve(path);
  if (!existsSync(dir)) throw new Error(`no bundle at ${path}`);
  if (statSync(dir).isFile()) {
    const into = mkdtempSync(join(tmpdir(), 'smartstock-bundle-'));
    await tar.extract({ file: dir, cwd: into });
    dir = into;
  }
  const configPath = join(dir, BUNDLE_FILES.config);
  if (!existsSync(configPath)) throw new Error(`${path} has no ${BUNDLE_FILES.config}`);
  const config = (parse(readFileSync(configPath, 'utf8')) ?? {}) as Record<string, unknown>;
  const mqtt = (config.mqtt ?? {}) as Record<string, unknown>;
  const file = (key: string, fallback: string) => {
    const configured = typeof mqtt[key] === 'string' ? (mqtt[key] as string) : fallback;
    // an install path (/etc/smartstock/device.crt) is checked in the bundle folder before it is installed
    const abs = isAbsolute(configured) ? (existsSync(configured) ? configured : join(dir, basename(configured))) : join(dir, configured);
    if (!existsSync(abs)) throw new Error(`${path}: mqtt.${key} points at ${configured}, which is missing`);
    return readFileSync(abs, 'utf8');
  };
  return {
    dir,
    config,
    deviceId: String(config.deviceId ?? ''),
    mqttUrl: String(mqtt.url ?? ''),
    certPem: file('certFile', BUNDLE_FILES.cert),
    keyPem: file('keyFile', BUNDLE_FILES.key),
    caPem: file('caFile', BUNDLE_FILES.ca),
  };
}

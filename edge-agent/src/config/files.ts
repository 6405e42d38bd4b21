import { accessSync, constants } from 'node:fs';
import { ConfigError } from '@smartstock/runtime';
import type { AgentConfig } from './schema.js';

/**
 * The files the config points at must be readable before anything starts, so a
 * technician's typo in a certificate path is a config error naming the key
 * (exit 2), not a TLS failure an hour later. Only paths are ever printed.
 */
export function checkConfigFiles(c: AgentConfig, source: string): void {
  const files: [string, string | undefined][] = [
    ['mqtt.caFile', c.mqtt.caFile],
    ['mqtt.certFile', c.mqtt.certFile],
    ['mqtt.keyFile', c.mqtt.keyFile],
    ['camera.ffmpegPath', c.camera.ffmpegPath],
  ];
  for (const [key, path] of files) {
    if (!path) continue;
    try {
      accessSync(path, constants.R_OK);
    } catch (e) {
      throw new ConfigError(key, `cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, source);
    }
  }
}

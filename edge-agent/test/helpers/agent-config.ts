import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentConfigInput } from '../../src/config/schema.js';
import type { Pki } from './broker.js';

/** A config for tests: short timeouts, health on a free loopback port, a fresh data dir. */
export function testAgentConfig(pki: Pki, url: string, deviceId = 'bar-42-edge', over: Partial<AgentConfigInput> = {}): AgentConfigInput {
  const cert = pki.device(deviceId);
  return {
    deviceId,
    dataDir: mkdtempSync(join(tmpdir(), 'ss-agent-')),
    logLevel: (process.env.LOG_LEVEL as 'info' | undefined) ?? 'warn',
    mqtt: {
      url,
      caFile: pki.caFile,
      certFile: cert.certFile,
      keyFile: cert.keyFile,
      reconnectMinMs: 200,
      reconnectMaxMs: 1000,
      statusIntervalSeconds: 60,
    },
    health: { port: 0 },
    ...over,
  };
}

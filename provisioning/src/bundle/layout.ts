import { posix } from 'node:path';
import { stringify } from 'yaml';
import type { CameraConfig } from '@smartstock/protocol';

/**
 * The device bundle: everything the edge agent needs to connect, in one
 * folder (or tar) the technician copies onto the mini-PC. File names are
 * fixed so the agent, `verify` and the docs agree on them.
 */
export const BUNDLE_FILES = {
  config: 'agent.yaml',
  cert: 'device.crt',
  key: 'device.key',
  ca: 'ca.crt',
} as const;

export const DEFAULT_AGENT_DATA_DIR = '/var/lib/smartstock';

export interface DeviceBundle {
  deviceId: string;
  /** mqtts://host:8883 — AWS IoT's ATS endpoint or the embedded/self-hosted broker. */
  mqttUrl: string;
  certPem: string;
  keyPem: string;
  /** The CA that signed the broker's certificate (AmazonRootCA1 for AWS). */
  caPem: string;
  /** Where the agent keeps its outbox on the device. */
  dataDir?: string;
  cameras?: CameraConfig[];
  /** Where the files will live on the device; absent: paths relative to agent.yaml's folder. */
  installDir?: string;
}

/** The agent's config, shaped by edge-agent's agentConfigSchema; file paths are relative to agent.yaml's folder unless installDir is set. */
export function agentConfigOf(b: DeviceBundle): Record<string, unknown> {
  const at = (name: string) => (b.installDir ? posix.join(b.installDir, name) : name);
  return {
    deviceId: b.deviceId,
    dataDir: b.dataDir ?? DEFAULT_AGENT_DATA_DIR,
    mqtt: {
      url: b.mqttUrl,
      caFile: at(BUNDLE_FILES.ca),
      certFile: at(BUNDLE_FILES.cert),
      keyFile: at(BUNDLE_FILES.key),
    },
    cameras: b.cameras ?? [],
  };
}

export function renderAgentYaml(b: DeviceBundle, now = new Date()): string {
  return [
    `# SmartStock edge agent for ${b.deviceId}, written by smartstock-provision at ${now.toISOString()}.`,
    b.installDir
      ? `# Install these files in ${b.installDir}; device.key is the device secret: keep it 0600.`
      : '# caFile/certFile/keyFile are relative to this file; device.key is the device secret: keep it 0600.',
    stringify(agentConfigOf(b)),
  ].join('\n');
}

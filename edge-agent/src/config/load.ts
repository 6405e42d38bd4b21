import { dirname, resolve } from 'node:path';
import { ConfigError, loadConfig } from '@smartstock/runtime';
import { agentConfigSchema, type AgentConfig } from './schema.js';

/** Environment overrides a technician may need without editing the file. */
export const AGENT_ENV = {
  SMARTSTOCK_DEVICE_ID: 'deviceId',
  SMARTSTOCK_DATA_DIR: 'dataDir',
  SMARTSTOCK_MQTT_URL: 'mqtt.url',
  SMARTSTOCK_MQTT_PROTOCOL_VERSION: 'mqtt.protocolVersion',
  LOG_LEVEL: 'logLevel',
} as const;

/**
 * Reads and validates the agent's YAML/JSON file; throws ConfigError naming the key.
 * Relative paths (certificates, data dir, models) are relative to the file's folder,
 * so a provisioning bundle (agent.yaml, ca.crt, device.crt, device.key) works wherever
 * it is unpacked.
 */
export function loadAgentConfig(file: string, environment: NodeJS.ProcessEnv = process.env): AgentConfig {
  const c = loadConfig(agentConfigSchema, { file, env: AGENT_ENV, environment });
  const at = (p: string | undefined) => (p === undefined ? undefined : resolve(dirname(resolve(file)), p));
  return {
    ...c,
    dataDir: at(c.dataDir)!,
    mqtt: { ...c.mqtt, caFile: at(c.mqtt.caFile), certFile: at(c.mqtt.certFile), keyFile: at(c.mqtt.keyFile) },
    camera: { ...c.camera, ffmpegPath: at(c.camera.ffmpegPath) },
    vision: { ...c.vision, modelDir: at(c.vision.modelDir) },
  };
}

/** Validates an in-memory config (startAgent, tests); throws ConfigError naming the key. */
export function parseAgentConfig(input: unknown): AgentConfig {
  const result = agentConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new ConfigError(issue.path.map(String).join('.') || '(root)', issue.message, 'startAgent');
}

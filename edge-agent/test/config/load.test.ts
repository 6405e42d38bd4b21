import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@smartstock/runtime';
import { loadAgentConfig, parseAgentConfig } from '../../src/config/load.js';

const dir = mkdtempSync(join(tmpdir(), 'ss-cfg-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const minimal = `
deviceId: bar-42-edge
dataDir: /var/lib/smartstock
mqtt:
  url: mqtts://broker.local:8883
  caFile: /etc/smartstock/ca.crt
  certFile: /etc/smartstock/device.crt
  keyFile: /etc/smartstock/device.key
cameras:
  - id: cam-1
    url: rtsp://user:secret@10.0.0.5:554/stream1
    slots:
      - id: slot-1
        sku: TITOS-750
        polygon: [[0.1, 0.1], [0.3, 0.1], [0.3, 0.4]]
`;

describe('agent config', () => {
  it('reads a YAML file and fills the defaults', () => {
    const c = loadAgentConfig(write('ok.yaml', minimal), {});
    expect(c.mqtt.maxPublishesPerSecond).toBe(10);
    expect(c.outbox.synchronous).toBe('full');
    expect(c.camera.staleAfterSeconds).toBe(20);
    expect(c.cameras[0]!.transport).toBe('tcp');
    expect(c.health.host).toBe('127.0.0.1');
  });

  it('resolves relative paths against the config file, as a provisioning bundle has them', () => {
    const p = write('bundle.yaml', minimal.replace('/etc/smartstock/ca.crt', 'ca.crt').replace('/var/lib/smartstock', 'data'));
    const c = loadAgentConfig(p, {});
    expect(c.mqtt.caFile).toBe(join(dir, 'ca.crt'));
    expect(c.mqtt.keyFile).toBe('/etc/smartstock/device.key');
    expect(c.dataDir).toBe(join(dir, 'data'));
    expect(c.vision.modelDir).toBeUndefined();
  });

  it('names the key of an unknown setting', () => {
    const p = write('typo.yaml', minimal.replace('  url: mqtts', '  urll: x\n  url: mqtts'));
    expect(() => loadAgentConfig(p, {})).toThrow(ConfigError);
    expect(() => loadAgentConfig(p, {})).toThrow(/mqtt/);
  });

  it('names a bad camera field by its path', () => {
    const p = write('bad-cam.yaml', minimal.replace('rtsp://user:secret@', 'http://'));
    expect(() => loadAgentConfig(p, {})).toThrow(/cameras\.0\.url/);
  });

  it('requires the certificates for mqtts', () => {
    const p = write('nocert.yaml', minimal.replace(/ {2}keyFile.*\n/, ''));
    expect(() => loadAgentConfig(p, {})).toThrow(/mqtt\.keyFile/);
  });

  it('refuses a health port on a public address', () => {
    expect(() =>
      parseAgentConfig({ deviceId: 'd', dataDir: '/tmp/x', mqtt: { url: 'mqtt://localhost:1883' }, health: { host: '0.0.0.0' } }),
    ).toThrow(/health\.host/);
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { REDACT_PATHS } from '@smartstock/runtime';
import { startEmbeddedBroker } from '../../src/broker/embedded.js';
import { seedPki } from '../support/pki.js';

/** The line a technician reads to find the broker: its address survives the logger's redaction of secrets. */
describe('the embedded broker says where it listens', () => {
  it('logs its mqtts:// address with the production redactions', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = pino({ redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);
    const dataDir = mkdtempSync(join(tmpdir(), 'broker-log-'));
    seedPki(dataDir);
    const broker = await startEmbeddedBroker({ dataDir, host: '127.0.0.1', port: 0, hostnames: [], logger });
    try {
      const listening = lines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((entry) => entry.msg === 'embedded broker listening');
      expect(listening).toMatchObject({ listen: `mqtts://127.0.0.1:${broker.port}` });
      expect(JSON.stringify(listening)).not.toContain('[redacted]');
    } finally {
      await broker.close();
    }
  });
});

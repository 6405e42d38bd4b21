import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { connect } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startEmbeddedBroker } from '../../src/broker/embedded.js';
import { seedPki } from '../support/pki.js';

/**
 * A device the broker's TLS refuses (no certificate, or one from another CA) retries every few seconds:
 * its first refusal is one warn line that names the CA folder to provision it from, its retries are debug.
 */
describe('a refused TLS handshake, in the log', () => {
  it('warns once per address with the fix, then only at debug', async () => {
    const lines: { level: number; msg: string; fix?: string }[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)) as { level: number; msg: string });
        done();
      },
    });
    const dataDir = mkdtempSync(join(tmpdir(), 'broker-refused-'));
    seedPki(dataDir);
    const broker = await startEmbeddedBroker({
      dataDir,
      host: '127.0.0.1',
      port: 0,
      hostnames: [],
      logger: pino({ level: 'debug' }, sink),
    });
    // trusts the broker, presents no certificate of its own
    const attempt = () =>
      new Promise<void>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port: broker.port, ca: readFileSync(broker.caCertPath), servername: 'localhost' });
        socket.on('error', () => resolve());
        socket.on('close', () => resolve());
        socket.on('secureConnect', () => socket.write(Buffer.from([0x10, 0x00])));
      });
    try {
      for (let i = 0; i < 3; i++) await attempt();
      await new Promise((r) => setTimeout(r, 100));
      const refused = lines.filter((l) => l.msg === 'TLS handshake refused');
      expect(refused.map((l) => l.level)).toEqual([40, 20, 20]);
      expect(refused[0]!.fix).toContain(`--ca-dir ${join(dataDir, 'pki')}`);
    } finally {
      await broker.close();
    }
  });
});

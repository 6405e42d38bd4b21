import { mkdtempSync, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { networkName } from '@smartstock/runtime';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/broker/embedded.js';
import { ensureCache, seedPki } from '../support/pki.js';
import { connectDevice } from '../support/device.js';

/**
 * A stack opened to the bar's network (`npm start -- --host 0.0.0.0`) tells a device on another machine
 * `mqtts://<this machine's address>:<port>`. The device checks that name against the broker's certificate,
 * which is kept from the first start: the broker re-issues it, from the same CA, when it lacks a name it
 * is now reached by. Real TLS, real mqtt.js, hostname checking on.
 */
describe('the embedded broker reached by its network names', () => {
  const DEVICE = 'lan-edge';
  const added = 'backbar-pc.lan';
  const lan = networkName();
  type Line = { level: number; msg: string; added?: string[] };
  const lines: Line[] = [];
  let dataDir: string;
  let broker: EmbeddedBroker;

  const start = () =>
    startEmbeddedBroker({
      dataDir,
      host: '0.0.0.0',
      port: 0,
      hostnames: [added],
      httpHost: '0.0.0.0',
      logger: pino(
        { level: 'debug' },
        new Writable({
          write(chunk, _encoding, done) {
            lines.push(JSON.parse(String(chunk)) as Line);
            done();
          },
        }),
      ),
    });
  /** mqtt.js as an edge agent: the device's own certificate, the CA it was given, the server's name checked. */
  const connectAs = async (servername: string | undefined, host = '127.0.0.1') => {
    // no servername for an address: TLS checks the certificate against the address connected to
    const device = await connectDevice(`mqtts://${host}:${broker.port}`, DEVICE, servername ? { servername } : {});
    await device.endAsync();
    return 'connected';
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'broker-lan-'));
    // the kept certificate of an earlier start: localhost, 127.0.0.1 and ::1 only
    seedPki(dataDir);
    broker = await start();
  });
  afterAll(() => broker?.close());

  it('re-issues the kept certificate from the same CA, with one info line naming the names added', () => {
    const reissued = lines.filter((l) => l.msg === 'broker certificate re-issued from the same CA');
    expect(reissued).toHaveLength(1);
    expect(reissued[0]!.level).toBe(30);
    expect(reissued[0]!.added).toEqual(expect.arrayContaining([lan, hostname(), added]));
    expect(reissued[0]!.added).not.toContain('localhost');
    expect(readFileSync(broker.caCertPath, 'utf8')).toBe(readFileSync(join(ensureCache(), 'ca.crt'), 'utf8'));
  });

  it('lets a device connect by the network address, the host name and an added name, TLS hostname check on', async () => {
    // the machine's own non-internal address, over its real interface (the broker listens on every address)
    if (lan !== hostname()) expect(await connectAs(undefined, lan)).toBe('connected');
    expect(await connectAs(hostname())).toBe('connected');
    expect(await connectAs(added)).toBe('connected');
    expect(await connectAs('localhost')).toBe('connected');
  });

  it('still refuses a name it was never given: the check is on', async () => {
    const refused = await connectAs('elsewhere.lan').catch((e: NodeJS.ErrnoException) => e.code);
    expect(refused).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('keeps the certificate on the next start with the same names', async () => {
    const issued = readFileSync(join(dataDir, 'pki', 'broker.crt'), 'utf8');
    await broker.close();
    lines.length = 0;
    broker = await start();
    expect(lines.filter((l) => l.msg.startsWith('broker certificate'))).toEqual([]);
    expect(readFileSync(join(dataDir, 'pki', 'broker.crt'), 'utf8')).toBe(issued);
    expect(await connectAs(added)).toBe('connected');
  });
});

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import type { AddressInfo, Socket } from 'node:net';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { createCa, issueDeviceCertificate, issueServerCertificate } from '@smartstock/pki';

export interface Pki {
  dir: string;
  caFile: string;
  server: { key: string; cert: string; ca: string };
  device(thing: string): { certFile: string; keyFile: string };
}

/** A local CA with a server certificate; device certificates on demand. RSA key generation is slow: make one per file. */
export function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'ss-pki-'));
  const ca = createCa(join(dir, 'ca'));
  const srv = issueServerCertificate(ca, ['localhost', '127.0.0.1']);
  const caFile = join(dir, 'ca', 'ca.crt');
  return {
    dir,
    caFile,
    server: { key: srv.keyPem, cert: srv.certPem, ca: ca.certPem },
    device(thing) {
      const d = join(dir, 'devices', thing);
      mkdirSync(d, { recursive: true });
      const c = issueDeviceCertificate(ca, thing);
      writeFileSync(join(d, 'device.crt'), c.certPem);
      writeFileSync(join(d, 'device.key'), c.keyPem, { mode: 0o600 });
      return { certFile: join(d, 'device.crt'), keyFile: join(d, 'device.key') };
    },
  };
}

export interface TlsBroker {
  port: number;
  url: string;
  broker: Aedes;
  /** Client ids refused at connect while this returns true (lets a test order who connects first). */
  refuse: Set<string>;
  stop(): Promise<void>;
}

/**
 * A real aedes broker behind mutual TLS, like the embedded one: a client must
 * present a certificate from the CA, and its client id must be the certificate's CN.
 */
export async function startTlsBroker(pki: Pki, port = 0): Promise<TlsBroker> {
  const broker = await Aedes.createBroker();
  const refuse = new Set<string>();
  broker.authenticate = (client, _u, _p, done) => {
    const sock = (client as unknown as { conn: TLSSocket }).conn;
    const cn = sock.getPeerCertificate?.()?.subject?.CN;
    if (refuse.has(client.id)) return done(Object.assign(new Error('not now'), { returnCode: 3 }) as never, false);
    if (cn && cn !== client.id && !client.id.startsWith('test-'))
      return done(Object.assign(new Error('id must be the CN'), { returnCode: 5 }) as never, false);
    done(null, true);
  };
  const server: Server = createServer({ ...pki.server, requestCert: true, rejectUnauthorized: true }, broker.handle as never);
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  const p = (server.address() as AddressInfo).port;
  return {
    port: p,
    url: `mqtts://localhost:${p}`,
    broker,
    refuse,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}

export interface Collected {
  client: MqttClient;
  messages: { topic: string; payload: Buffer; retain: boolean }[];
  waitFor(pred: (m: { topic: string; payload: Buffer }) => boolean, timeoutMs?: number): Promise<{ topic: string; payload: Buffer }>;
  close(): Promise<void>;
}

/** A cloud-side subscriber with its own certificate and a persistent session. */
export async function subscriber(pki: Pki, url: string, topics: string[], clientId = 'test-cloud'): Promise<Collected> {
  const cert = pki.device(clientId);
  const client = mqtt.connect(url, {
    clientId,
    clean: false,
    ca: readFileSync(pki.caFile),
    cert: readFileSync(cert.certFile),
    key: readFileSync(cert.keyFile),
    reconnectPeriod: 200,
  });
  const messages: Collected['messages'] = [];
  const waiters: { pred: (m: { topic: string; payload: Buffer }) => boolean; resolve: (m: { topic: string; payload: Buffer }) => void }[] =
    [];
  client.on('message', (topic, payload, packet) => {
    const m = { topic, payload, retain: packet.retain };
    messages.push(m);
    for (const w of [...waiters]) {
      if (!w.pred(m)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(m);
    }
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => client.subscribe(topics, { qos: 1 }, (err) => (err ? reject(err) : resolve())));
    client.once('error', reject);
  });
  return {
    client,
    messages,
    waitFor(pred, timeoutMs = 60_000) {
      const hit = messages.find(pred);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('timed out waiting for a message')), timeoutMs);
        waiters.push({ pred, resolve: (m) => (clearTimeout(t), resolve(m)) });
      });
    },
    close: () => new Promise<void>((resolve) => client.end(true, {}, () => resolve())),
  };
}

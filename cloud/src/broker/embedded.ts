import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Duplex, pipeline } from 'node:stream';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { Aedes, type Client } from 'aedes';
import { TOPICS } from '@smartstock/protocol';
import { ensureCa, ensureServerCertificate, CA_FILES } from '@smartstock/pki';
import { listenError, reachableNames, type Logger } from '@smartstock/runtime';
import { brokerRules, type Identity } from './rules.js';
import { MAX_PACKET_BYTES, PacketTooLargeError, packetSizeGuard } from './packet-guard.js';

/** How often one address's refused handshakes (or one device's refused protocol) are worth a warn line. */
const REFUSAL_WARN_EVERY_MS = 3_600_000;
/** A client id is the client's to choose (up to 64 KB): a log line carries its start. */
const LOGGED_ID_CHARS = 200;

/** true the first time a key is seen within the window: a device retrying every few seconds is one warn an hour. */
function firstInWindow(windowMs: number): (key: string) => boolean {
  const warnedAt = new Map<string, number>();
  return (key) => {
    const last = warnedAt.get(key);
    if (last !== undefined && Date.now() - last < windowMs) return false;
    if (warnedAt.size >= 1000) warnedAt.clear();
    warnedAt.set(key, Date.now());
    return true;
  };
}

export interface EmbeddedBrokerOptions {
  dataDir: string;
  host: string;
  port: number;
  /**
   * names the server certificate is valid for, besides localhost and the names the broker is reached by
   * from another machine (reachableNames: the machine's addresses and host name when it listens beyond loopback)
   */
  hostnames: string[];
  /** the cloud's HTTP address (http.host): a stack opened on one chosen address advertises it for the broker too */
  httpHost?: string;
  logger: Logger;
  /**
   * Who a device is, asked when it connects: its organisation, or why it is refused outright
   * (revoked, unknown to no one yet is fine: ingest dead-letters an unknown device's messages).
   */
  admit?: (deviceId: string) => Promise<{ refused?: string | undefined; orgId?: string | undefined }>;
  /** true while the organisation is suspended by the operator: its devices may neither connect nor publish */
  orgSuspended?: (orgId: string) => Promise<boolean>;
}
export interface EmbeddedBroker {
  url: string;
  port: number;
  pkiDir: string;
  caCertPath: string;
  /** an in-process connection for the cloud's own client: no socket, no certificate, full rights */
  connectInternal(): Duplex;
  /** ends a device's connection now (revocation); its reconnect is then refused by admit */
  disconnect(deviceId: string): void;
  /** ends every connection of the organisation's devices now (suspension); reconnects are refused by orgSuspended */
  disconnectOrganisation(orgId: string): number;
  close(): Promise<void>;
}

/**
 * aedes inside the cloud process, on TLS with the local CA that provisioning
 * uses. A client is who its certificate's CN says, and may only use its own
 * topic subtree: the rule AWS IoT's per-thing policy enforces in production.
 */
export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const log = options.logger.child({ module: 'broker' });
  const pkiDir = join(options.dataDir, 'pki');
  const ca = ensureCa(pkiDir);
  mkdirSync(pkiDir, { recursive: true });
  // every name a device may be given for this broker: one it is told but the certificate lacks fails the TLS hostname check
  const names = ['localhost', '127.0.0.1', '::1', ...reachableNames(options.host, options.httpHost ?? options.host), ...options.hostnames];
  const serverCert = ensureServerCertificate(ca, { cert: join(pkiDir, 'broker.crt'), key: join(pkiDir, 'broker.key') }, names);
  if (serverCert.outcome === 'reissued')
    log.info(
      serverCert.added.length ? { added: serverCert.added } : { reason: "the kept one did not match its key or this broker's CA" },
      'broker certificate re-issued from the same CA',
    );

  const identities = new WeakMap<Client, Identity>();
  const internal = new WeakSet<object>();
  // aedes sees each device through its packet size guard; the certificate stays on the TLS socket
  const tlsOf = new WeakMap<object, TLSSocket>();
  // the certificate's CN as the handshake gave it: a refused connection's socket is destroyed before its log line
  const cnOf = new WeakMap<object, string>();
  const rules = brokerRules((c) => identities.get(c), log);
  const aedes = await Aedes.createBroker({
    id: 'smartstock-embedded',
    authenticate(client, _u, _p, done) {
      const fail = (why: string) => {
        log.warn({ clientId: client.id.slice(0, LOGGED_ID_CHARS), why }, 'connection refused');
        const err = Object.assign(new Error(why), { returnCode: 5 as const });
        done(err, false);
      };
      if (internal.has(client.conn)) {
        identities.set(client, { kind: 'cloud' });
        return done(null, true);
      }
      const cn = tlsOf.get(client.conn)?.getPeerCertificate()?.subject?.CN;
      const deviceId = Array.isArray(cn) ? undefined : cn;
      if (!deviceId) return fail('no client certificate CN');
      if (client.id !== deviceId) return fail(`client id ${client.id} is not the certificate's thing name`);
      void (async () => {
        const who = (await options.admit?.(deviceId)) ?? {};
        if (who.refused) return fail(who.refused);
        if (who.orgId && (await options.orgSuspended?.(who.orgId))) return fail('organisation suspended');
        identities.set(client, { kind: 'device', deviceId, orgId: who.orgId });
        done(null, true);
      })().catch(() => fail('device check failed'));
    },
    authorizePublish(client, packet, cb) {
      // a session that began before its organisation was suspended (another instance's change, a lost bus
      // message) is refused at its next publish: the suspension status is cached, so this costs no query
      const id = client ? identities.get(client) : undefined;
      if (id?.kind !== 'device' || !id.orgId || !options.orgSuspended) return rules.authorizePublish(client, packet, cb);
      options.orgSuspended(id.orgId).then(
        (held) => (held ? cb(new Error('organisation suspended')) : rules.authorizePublish(client, packet, cb)),
        () => cb(new Error('organisation check failed')),
      );
    },
    authorizeSubscribe: rules.authorizeSubscribe,
  });
  // connected devices by thing name, so revocation can end a session without waiting for a reconnect
  const devices = new Map<string, Client>();
  aedes.on('client', (c) => {
    const id = identities.get(c);
    if (id?.kind === 'device') devices.set(id.deviceId, c);
  });
  aedes.on('clientDisconnect', (c) => {
    if (devices.get(c.id) === c) devices.delete(c.id);
  });
  aedes.on('clientError', (client, err) => log.debug({ clientId: client.id.slice(0, LOGGED_ID_CHARS), err: err.message }, 'client error'));
  // Refused before the client has an id: above all an MQTT 5 client (aedes speaks 3.1 and 3.1.1), which
  // mqtt.js reports as "Unacceptable protocol version" and retries forever. The warn names the fix.
  const refusedProtocol = firstInWindow(REFUSAL_WARN_EVERY_MS);
  aedes.on('connectionError', (client, err) => {
    const deviceId = cnOf.get(client.conn);
    const version = (err as { errorCode?: number }).errorCode === 1;
    const fields = {
      deviceId,
      err: err.message,
      ...(version
        ? { fix: "the embedded broker speaks MQTT 3.1.1: set the device's mqtt.protocolVersion to 4 (SMARTSTOCK_MQTT_PROTOCOL_VERSION=4)" }
        : {}),
    };
    if (refusedProtocol(`${deviceId} ${err.message}`)) log.warn(fields, 'connection refused');
    else log.debug(fields, 'connection refused');
  });

  const server: Server = createServer(
    {
      key: serverCert.keyPem,
      cert: serverCert.certPem,
      ca: ca.certPem,
      requestCert: true,
      rejectUnauthorized: true,
    },
    (socket) => {
      const guard = packetSizeGuard(MAX_PACKET_BYTES);
      const cn = socket.getPeerCertificate()?.subject?.CN;
      const deviceId = typeof cn === 'string' ? cn : undefined;
      pipeline(socket, guard, (err) => {
        // pipeline has destroyed the socket: the sender is cut off before the body is read
        if (err instanceof PacketTooLargeError) log.warn({ deviceId, size: err.size, limit: err.limit }, 'packet too large, disconnected');
      });
      const conn = Duplex.from({ readable: guard, writable: socket });
      tlsOf.set(conn, socket);
      if (deviceId) cnOf.set(conn, deviceId);
      aedes.handle(conn);
    },
  );
  // A device with no certificate, or one from another CA (a bundle made with another --ca-dir), retries every
  // few seconds and never gets in: the first refusal from an address is a warn that names the fix, its retries
  // within the hour are debug.
  const refusedHandshake = firstInWindow(REFUSAL_WARN_EVERY_MS);
  server.on('tlsClientError', (err, socket) => {
    const from = socket.remoteAddress ?? 'unknown';
    if (!refusedHandshake(from)) return log.debug({ from, err: err.message }, 'TLS handshake refused');
    log.warn(
      {
        from,
        err: err.message,
        fix: `give the device a certificate from this broker's CA: smartstock-provision device create --local --ca-dir ${pkiDir}`,
      },
      'TLS handshake refused',
    );
  });
  await new Promise<void>((res, rej) =>
    server
      .once('error', (err) => rej(listenError(err, 'broker.embedded.port', options.host, options.port)))
      .listen(options.port, options.host, () => res()),
  );
  const port = (server.address() as AddressInfo).port;
  const url = `mqtts://${options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host}:${port}`;
  // under `listen`, like the agent's health server: a `url` is redacted wholesale (it may carry a password), and this one carries none
  log.info({ listen: url, topics: TOPICS.all('obs') }, 'embedded broker listening');

  return {
    url,
    port,
    pkiDir,
    caCertPath: join(pkiDir, CA_FILES.cert),
    connectInternal() {
      // generous buffers: aedes and mqtt.js each wait for 'drain' while the other waits for its ack,
      // which with the default 16 KB deadlocks under a burst (aedes then drops the client after drainTimeout)
      const toBroker = new PassThrough({ highWaterMark: 64 * 1024 * 1024 });
      const toClient = new PassThrough({ highWaterMark: 64 * 1024 * 1024 });
      const brokerSide = Duplex.from({ readable: toBroker, writable: toClient });
      const clientSide = Duplex.from({ readable: toClient, writable: toBroker });
      internal.add(brokerSide);
      aedes.handle(brokerSide);
      return clientSide;
    },
    disconnect(deviceId) {
      // the MQTT client id is the certificate's thing name (checked in authenticate)
      const client = devices.get(deviceId);
      if (!client) return;
      log.info({ deviceId }, 'device disconnected: revoked');
      client.close();
    },
    disconnectOrganisation(orgId) {
      let n = 0;
      for (const client of [...devices.values()]) {
        const id = identities.get(client);
        if (id?.kind !== 'device' || id.orgId !== orgId) continue;
        client.close();
        n++;
      }
      if (n) log.info({ orgId, devices: n }, 'devices disconnected: organisation suspended');
      return n;
    },
    async close() {
      // aedes first: it disconnects every client, so the server's close does not wait on open sockets
      const closed = new Promise<void>((res) => server.close(() => res()));
      await new Promise<void>((res) => aedes.close(() => res()));
      await closed;
    },
  };
}

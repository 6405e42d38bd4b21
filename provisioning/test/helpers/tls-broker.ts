import { createServer, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { Aedes, type AedesPublishPacket } from 'aedes';
import { TOPICS } from '@smartstock/protocol';
import { issueServerCertificate, type CertificateAuthority } from '@smartstock/pki';

/**
 * A real aedes broker over mutual TLS with the cloud's embedded-broker rule:
 * the client certificate's CN is the identity, the MQTT client id must equal
 * it, and a device may publish and subscribe only under its own subtree.
 */
export interface TestBroker {
  url: string;
  port: number;
  published: AedesPublishPacket[];
  close(): Promise<void>;
}

export async function startTlsBroker(ca: CertificateAuthority): Promise<TestBroker> {
  const identity = new WeakMap<object, string>();
  const ownSubtree = (client: object | null, topic: string) => {
    const cn = client ? identity.get(client) : undefined;
    return cn !== undefined && topic.startsWith(TOPICS.deviceRoot(cn));
  };
  const broker = await Aedes.createBroker({
    authenticate: (client, _u, _p, done) => {
      const cn = (client.conn as TLSSocket).getPeerCertificate?.()?.subject?.CN;
      if (typeof cn !== 'string' || cn !== client.id) {
        const err = Object.assign(new Error('client id must be the certificate CN'), { returnCode: 2 as const });
        return done(err, false);
      }
      identity.set(client, cn);
      done(null, true);
    },
    authorizePublish: (client, packet, cb) => cb(ownSubtree(client, packet.topic) ? null : new Error('not your topic')),
    authorizeSubscribe: (client, sub, cb) => cb(null, ownSubtree(client, sub.topic) ? sub : null),
  });
  const published: AedesPublishPacket[] = [];
  broker.on('publish', (packet, client) => {
    if (client) published.push(packet);
  });
  const cert = issueServerCertificate(ca);
  const server = createServer(
    { key: cert.keyPem, cert: cert.certPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true },
    (socket) => broker.handle(socket),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `mqtts://localhost:${port}`,
    port,
    published,
    close: () =>
      new Promise<void>((resolve) => {
        broker.close(() => server.close(() => resolve()));
      }),
  };
}

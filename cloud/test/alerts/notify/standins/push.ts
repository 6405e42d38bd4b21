import { createECDH, randomBytes } from 'node:crypto';
import { Agent, createServer } from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCa, issueServerCertificate } from '@smartstock/pki';

/**
 * A push service as browsers' vendors run it: POST to the subscription's
 * endpoint with a VAPID Authorization header and an aes128gcm body; 201 with a
 * Location, or 410 Gone for an unsubscribed browser. Over HTTPS, as web-push
 * insists, with a certificate from a throwaway local CA.
 */
export interface PushStandIn {
  url: string;
  received: { path: string; authorization: string; encoding: string; ttl: string; bytes: number }[];
  gone: Set<string>;
  /** Trusts the stand-in's CA. */
  agent: Agent;
  /** A browser subscription for `path` on this service, with real P-256 keys. */
  subscription(path: string): { endpoint: string; p256dh: string; auth: string };
  stop(): Promise<void>;
}

export async function startPushStandIn(): Promise<PushStandIn> {
  const dir = mkdtempSync(join(tmpdir(), 'push-ca-'));
  const ca = createCa(dir, 'Push stand-in CA');
  rmSync(dir, { recursive: true, force: true });
  const tls = issueServerCertificate(ca, ['127.0.0.1']);
  const state: PushStandIn = {
    agent: new Agent({ ca: ca.certPem }),
    url: '',
    received: [],
    gone: new Set(),
    subscription(path) {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      return {
        endpoint: `${state.url}${path}`,
        p256dh: ecdh.getPublicKey().toString('base64url'),
        auth: randomBytes(16).toString('base64url'),
      };
    },
    stop: () => new Promise((r) => server.close(() => r())),
  };
  const server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      if (state.gone.has(path)) return res.writeHead(410).end('push subscription has unsubscribed or expired.');
      state.received.push({
        path,
        authorization: String(req.headers.authorization ?? ''),
        encoding: String(req.headers['content-encoding'] ?? ''),
        ttl: String(req.headers.ttl ?? ''),
        bytes: Buffer.concat(chunks).length,
      });
      res.writeHead(201, { location: `${state.url}/messages/${randomBytes(8).toString('hex')}` }).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  state.url = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
  return state;
}

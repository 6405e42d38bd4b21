import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An AWS stand-in in front of moto that answers one kind of call as IAM does when a user's policy
 * denies it on one resource (403 AccessDeniedException), and passes every other call through.
 * Moto enforces no IAM, so this is how one policy among several can fail.
 */
export interface DenyingProxy {
  url: string;
  close(): Promise<void>;
}

export async function startDenyingProxy(target: string, denied: { method: string; path: string }): Promise<DenyingProxy> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    if (req.method === denied.method && req.url?.split('?')[0] === denied.path) {
      req.resume();
      res.writeHead(403, { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' });
      res.end(JSON.stringify({ message: `User: technician is not authorized to perform this action on ${denied.path}` }));
      return;
    }
    const forwarded = request(
      { hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', (err) => res.destroy(err));
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for Toast's APIs, answering as Toast documents them: the authentication
 * API (POST /authentication/v1/authentication/login, client credentials, TOAST_MACHINE_CLIENT)
 * and the orders API (GET /orders/v2/orders/{guid}, GET /orders/v2/ordersBulk?businessDate=
 * with pageSize at most 100 and page from 1), each order call scoped by the
 * Toast-Restaurant-External-ID header and refused without a token it issued.
 */
export class FakeToast {
  /** business date (yyyyMMdd) → its orders, in Toast's JSON */
  readonly days = new Map<string, unknown[]>();
  readonly orders = new Map<string, unknown>();
  readonly requests: { method: string; path: string; authorization?: string | undefined; restaurant?: string | undefined }[] = [];
  logins = 0;
  /** answers this many order requests with 503 before answering again */
  downFor = 0;
  private server: Server | undefined;
  private issued = new Set<string>();
  url = '';

  constructor(private readonly client: { id: string; secret: string; restaurant: string }) {}

  /** Forgets the tokens it issued, as when they expire: the next call with one answers 401. */
  expireTokens(): void {
    this.issued.clear();
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const url = new URL(req.url ?? '/', 'http://toast.test');
      this.requests.push({
        method: req.method ?? '',
        path: url.pathname + url.search,
        authorization: req.headers.authorization,
        restaurant: req.headers['toast-restaurant-external-id'] as string | undefined,
      });
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.method === 'POST' && url.pathname === '/authentication/v1/authentication/login') {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, string>;
          if (
            body.clientId !== this.client.id ||
            body.clientSecret !== this.client.secret ||
            body.userAccessType !== 'TOAST_MACHINE_CLIENT'
          )
            return json(401, { status: 401, code: 10010, message: 'Access denied', requestId: 'req-auth' });
          const token = `toast-jwt-${++this.logins}`;
          this.issued.add(token);
          return json(200, {
            '@class': '.SuccessfulResponse',
            token: { tokenType: 'Bearer', scope: null, expiresIn: 86400, accessToken: token, idToken: null, refreshToken: null },
            status: 'SUCCESS',
          });
        }
        if (this.downFor > 0) {
          this.downFor--;
          return json(503, { status: 503, message: 'Service Unavailable', requestId: 'req-down' });
        }
        const token = req.headers.authorization?.replace(/^Bearer /, '');
        if (!token || !this.issued.has(token))
          return json(401, { status: 401, code: 10011, message: 'Invalid token', requestId: 'req-401' });
        if (req.headers['toast-restaurant-external-id'] !== this.client.restaurant)
          return json(403, { status: 403, message: 'Restaurant not accessible to this client', requestId: 'req-403' });
        if (url.pathname === '/orders/v2/ordersBulk') {
          const size = Number(url.searchParams.get('pageSize') ?? 100);
          const page = Number(url.searchParams.get('page') ?? 1);
          if (!(size >= 1 && size <= 100)) return json(400, { status: 400, message: 'pageSize must be 1-100' });
          const all = this.days.get(url.searchParams.get('businessDate') ?? '') ?? [];
          return json(200, all.slice((page - 1) * size, page * size));
        }
        const m = /^\/orders\/v2\/orders\/([^/]+)$/.exec(url.pathname);
        const order = m ? this.orders.get(decodeURIComponent(m[1]!)) : undefined;
        if (!order) return json(404, { status: 404, message: 'Order not found', requestId: 'req-404' });
        json(200, order);
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

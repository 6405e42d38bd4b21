import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the SmartStock cloud's device routes (same paths and
 * shapes as cloud's API) until provisioning's tests can start the real one.
 */
export interface StandInDevice {
  id: string;
  venueId: string;
  name: string;
  certFingerprint?: string;
  revoked: boolean;
  online: boolean;
  lastSeenAt: string | null;
}

export interface StandInCloud {
  url: string;
  devices: Map<string, StandInDevice>;
  /** ids another organisation holds: registering one answers 409 device-id-taken, reading it 404 */
  foreign: Set<string>;
  /** the organisation's venues; when any are given, another venue id is answered as the cloud does (400 not a UUID, 404 unknown) */
  venues: Set<string>;
  /** every request as answered, in order: the real cloud logs each 4xx as a refusal */
  answered: { method: string; url: string; status: number }[];
  /** What the broker would tell the real cloud: the device was heard from. */
  heard(id: string): void;
  close(): Promise<void>;
}

export const TECHNICIAN = { email: 'tech@example.com', password: 'correct horse', token: 'tok-123' };

export async function startStandInCloud(): Promise<StandInCloud> {
  const devices = new Map<string, StandInDevice>();
  const foreign = new Set<string>();
  const venues = new Set<string>();
  const answered: StandInCloud['answered'] = [];
  const server = createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      answered.push({ method: req.method ?? '', url: req.url ?? '', status });
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const url = req.url ?? '';
    if (req.method === 'POST' && url === '/api/v1/auth/login') {
      const b = await body(req);
      return b.email === TECHNICIAN.email && b.password === TECHNICIAN.password
        ? send(200, { accessToken: TECHNICIAN.token })
        : send(401, { error: 'bad credentials' });
    }
    if (req.headers.authorization !== `Bearer ${TECHNICIAN.token}`) return send(401, { error: 'unauthorised' });
    const m = /^\/api\/v1\/devices(?:\/([^/]+)(\/revoke)?)?$/.exec(url);
    if (!m) return send(404, { error: 'no route' });
    const id = m[1] ? decodeURIComponent(m[1]) : undefined;
    if (req.method === 'POST' && !id) {
      const b = await body(req);
      if (venues.size && !venues.has(String(b.venueId))) {
        return /^[0-9a-f-]{36}$/i.test(String(b.venueId))
          ? send(404, { error: { code: 'not_found', message: 'venue not found' } })
          : send(400, { error: { code: 'validation', message: 'body.venueId: Invalid UUID', field: 'body.venueId' } });
      }
      if (foreign.has(String(b.id)))
        return send(409, { error: { code: 'device-id-taken', message: 'this device id is taken', field: 'id' } });
      if (devices.has(String(b.id))) return send(409, { error: { code: 'conflict', message: 'already yours', field: 'id' } });
      const d = { id: String(b.id), venueId: String(b.venueId), name: String(b.name), revoked: false, online: false, lastSeenAt: null };
      devices.set(d.id, { ...d, ...(b.certFingerprint ? { certFingerprint: String(b.certFingerprint) } : {}) });
      return send(201, devices.get(d.id));
    }
    if (req.method === 'GET' && !id) return send(200, [...devices.values()]);
    const d = id ? devices.get(id) : undefined;
    if (!d) return send(404, { error: 'no such device' });
    if (req.method === 'GET' && !m[2]) return send(200, d);
    if (req.method === 'POST' && m[2]) {
      d.revoked = true;
      return send(200, d);
    }
    send(405, { error: 'method' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    devices,
    foreign,
    venues,
    answered,
    heard: (id) => {
      const d = devices.get(id);
      if (d) Object.assign(d, { online: true, lastSeenAt: new Date().toISOString() });
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

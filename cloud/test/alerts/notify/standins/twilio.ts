import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/**
 * Answers as api.twilio.com does for the Messages resource: HTTP basic auth
 * with the account SID and token, a form-encoded body, a 201 with the message
 * JSON, and Twilio's error body ({code, message, more_info, status}) for a bad
 * number (21211), bad credentials (20003) and outages.
 */
export interface TwilioStandIn {
  url: string;
  sent: { to: string; from?: string; body: string; sid: string }[];
  /** The next n requests answer with this HTTP status (an outage). */
  failNext(n: number, status?: number): void;
  requests: number;
  stop(): Promise<void>;
}

export async function startTwilioStandIn(accountSid: string, authToken: string): Promise<TwilioStandIn> {
  let failures = 0;
  let failStatus = 503;
  const state: TwilioStandIn = {
    url: '',
    sent: [],
    requests: 0,
    failNext(n, status = 503) {
      failures = n;
      failStatus = status;
    },
    stop: () => new Promise((r) => server.close(() => r())),
  };
  const error = (res: ServerResponse, status: number, code: number, message: string) => {
    res
      .writeHead(status, { 'content-type': 'application/json' })
      .end(JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }));
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      state.requests++;
      const m = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !m) return error(res, 404, 20404, `The requested resource ${req.url} was not found`);
      const auth = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
      if (auth !== `${accountSid}:${authToken}` || m[1] !== accountSid) return error(res, 401, 20003, 'Authenticate');
      if (failures > 0) {
        failures--;
        return error(res, failStatus, failStatus === 429 ? 20429 : 20500, failStatus === 429 ? 'Too Many Requests' : 'Service Unavailable');
      }
      const form = new URLSearchParams(raw);
      const to = form.get('To') ?? '';
      if (!/^\+[1-9]\d{6,14}$/.test(to) || to.startsWith('+1555'))
        return error(res, 400, 21211, `The 'To' number ${to} is not a valid phone number.`);
      const sid = `SM${randomBytes(16).toString('hex')}`;
      const msg = { to, from: form.get('From') ?? undefined, body: form.get('Body') ?? '', sid };
      state.sent.push(msg);
      res.writeHead(201, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          account_sid: accountSid,
          api_version: '2010-04-01',
          body: msg.body,
          date_created: new Date().toUTCString(),
          direction: 'outbound-api',
          error_code: null,
          error_message: null,
          from: msg.from ?? null,
          messaging_service_sid: form.get('MessagingServiceSid'),
          num_segments: '1',
          price: null,
          sid,
          status: 'queued',
          to,
          uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  state.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return state;
}

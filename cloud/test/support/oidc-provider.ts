import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

/**
 * A small OpenID Connect provider for tests, signing real RS256 ID tokens: discovery, JWKS,
 * authorize (the signed-in person is `as`; it approves at once, as a provider with a live
 * session does) and token (client_secret_basic or _post, PKCE S256, single-use codes).
 * `tamper` makes it misbehave the ways a hostile or misconfigured issuer would.
 * (The oidc-provider package refuses Node 20 — it warns "Unsupported runtime" — so the tests use this.)
 */
export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** who is signed in at the provider */
  as: { sub: string; email: string; name?: string; emailVerified?: boolean };
  tamper: { iss?: string; nonce?: string };
  close(): Promise<void>;
}

interface Grant {
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce: string | undefined;
  who: TestOidcProvider['as'];
}

export async function startOidcProvider(o: { clientId?: string; clientSecret?: string } = {}): Promise<TestOidcProvider> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const codes = new Map<string, Grant>();
  const p = {
    issuer: '',
    clientId: o.clientId ?? 'smartstock-test',
    clientSecret: o.clientSecret ?? randomBytes(16).toString('hex'),
    as: { sub: 'user-1', email: 'alex@quayside.test', name: 'Alex Example' },
    tamper: {},
  } as TestOidcProvider;

  const server: Server = createServer((req, res) => {
    void handle(req).then(
      ([status, body, headers]) => {
        res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
        res.end(body === undefined ? '' : JSON.stringify(body));
      },
      (e: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'server_error', error_description: String(e) }));
      },
    );
  });

  async function handle(req: IncomingMessage): Promise<[number, unknown?, Record<string, string>?]> {
    const url = new URL(req.url ?? '/', p.issuer);
    if (url.pathname === '/.well-known/openid-configuration')
      return [
        200,
        {
          issuer: p.issuer,
          authorization_endpoint: `${p.issuer}/authorize`,
          token_endpoint: `${p.issuer}/token`,
          jwks_uri: `${p.issuer}/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
          scopes_supported: ['openid', 'email', 'profile'],
        },
      ];
    if (url.pathname === '/jwks') return [200, { keys: [jwk] }];
    if (url.pathname === '/authorize') {
      const q = url.searchParams;
      const redirect = q.get('redirect_uri') ?? '';
      if (q.get('client_id') !== p.clientId) return [400, { error: 'invalid_client' }];
      if (q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge'))
        return [400, { error: 'invalid_request', error_description: 'code flow with PKCE S256 only' }];
      const code = randomBytes(16).toString('base64url');
      codes.set(code, {
        clientId: p.clientId,
        redirectUri: redirect,
        challenge: q.get('code_challenge')!,
        nonce: q.get('nonce') ?? undefined,
        who: { ...p.as },
      });
      const back = new URL(redirect);
      back.searchParams.set('code', code);
      if (q.get('state')) back.searchParams.set('state', q.get('state')!);
      return [302, undefined, { location: back.href }];
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      const form = new URLSearchParams(await bodyOf(req));
      const [id, secret] = clientAuth(req, form);
      if (id !== p.clientId || secret !== p.clientSecret) return [401, { error: 'invalid_client' }];
      const grant = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      if (!grant || form.get('grant_type') !== 'authorization_code' || form.get('redirect_uri') !== grant.redirectUri)
        return [400, { error: 'invalid_grant' }];
      const challenge = createHash('sha256')
        .update(form.get('code_verifier') ?? '')
        .digest('base64url');
      if (challenge !== grant.challenge) return [400, { error: 'invalid_grant', error_description: 'PKCE verification failed' }];
      const idToken = await sign(privateKey, {
        iss: p.tamper.iss ?? p.issuer,
        aud: p.clientId,
        sub: grant.who.sub,
        email: grant.who.email,
        email_verified: grant.who.emailVerified ?? true,
        name: grant.who.name,
        nonce: p.tamper.nonce ?? grant.nonce,
      });
      return [200, { access_token: randomBytes(16).toString('hex'), token_type: 'Bearer', expires_in: 300, id_token: idToken }];
    }
    return [404, { error: 'not_found' }];
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  p.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  p.close = () => new Promise((resolve) => server.close(() => resolve()));
  return p;
}

function sign(key: CryptoKey, claims: Record<string, unknown>): Promise<string> {
  const { iss, aud, sub, ...rest } = claims as { iss: string; aud: string; sub: string };
  return new SignJWT(rest)
    .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
    .setIssuer(iss)
    .setAudience(aud)
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key);
}

function clientAuth(req: IncomingMessage, form: URLSearchParams): [string | null, string | null] {
  const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
  if (!basic) return [form.get('client_id'), form.get('client_secret')];
  const [id, secret] = Buffer.from(basic[1]!, 'base64').toString().split(':').map(decodeURIComponent);
  return [id ?? null, secret ?? null];
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  let s = '';
  for await (const chunk of req) s += String(chunk);
  return s;
}

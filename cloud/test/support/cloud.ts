import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCloud, type RunningCloud } from '../../src/server.js';
import type { CloudConfigInput } from '../../src/config.js';
import type { DemoSeed } from '../../src/seed/seed.service.js';
import type { Role } from '../../src/plugins/principal.js';
import { repos } from './repos.js';
import { passwordHasher } from '../../src/users/passwords.js';
import { seedPki } from './pki.js';

export const OWNER = { email: 'owner@anchor.test', password: 'correct horse battery staple' };
/** argon2 at its cheapest: the tests check the flow, not the cost */
export const CHEAP_ARGON2 = { memoryCost: 8, timeCost: 1 };

export interface Res<T = any> {
  status: number;
  body: T;
  headers: Headers;
}
export interface TestCloud {
  cloud: RunningCloud;
  demo: DemoSeed;
  ownerToken: string;
  /** a real HTTP request against the listening server */
  api<T = any>(method: string, path: string, o?: { token?: string | undefined; body?: unknown }): Promise<Res<T>>;
  login(email: string, password: string): Promise<string>;
  /** a user of the demo organisation with this role; returns its access token */
  userWithRole(role: Role): Promise<string>;
  /** a second organisation with its own owner, venue and data: for tenancy tests */
  otherOrg(): Promise<{ token: string; demo: DemoSeed }>;
  close(): Promise<void>;
}

/** The cloud on its embedded defaults (PGlite in memory, aedes on an ephemeral TLS port), seeded with the demo venue. */
export async function build(over: Partial<CloudConfigInput> = {}): Promise<TestCloud> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cloud-test-'));
  seedPki(dataDir);
  const cloud = await startCloud({
    http: { host: '127.0.0.1', port: 0 },
    database: { memory: true },
    dataDir,
    logLevel: (process.env.TEST_LOG as 'silent') ?? 'silent',
    auth: { argon2: CHEAP_ARGON2, loginRateLimit: { max: 1000, windowSeconds: 60 } },
    owner: { ...OWNER, organisation: 'Harbour Bars Ltd' },
    broker: { embedded: { host: '127.0.0.1', port: 0 } },
    rateLimit: { max: 100_000, windowSeconds: 60 },
    snapshotTimeoutMs: 1000,
    // the fuzz suites dead-letter thousands from one device on purpose
    deadLetters: { perDevicePerMinute: 1_000_000 },
    ...over,
  });
  const demo = await cloud.seedDemo();
  const api = async (method: string, path: string, o: { token?: string | undefined; body?: unknown } = {}) => {
    const res = await fetch(`${cloud.url}${path}`, {
      method,
      headers: {
        ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
        ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
    });
    const text = res.headers.get('content-type')?.includes('json') ? await res.text() : '';
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
  const login = async (email: string, password: string) => {
    const r = await api('POST', '/api/v1/auth/login', { body: { email, password } });
    if (r.status !== 200) throw new Error(`login ${email}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.accessToken as string;
  };
  const hasher = passwordHasher(CHEAP_ARGON2);
  let n = 0;
  const addUser = async (orgId: string, role: Role) => {
    const email = `${role}-${++n}@anchor.test`;
    const r = repos(cloud.db);
    const u = await r.users.createUser({ email, name: role, passwordHash: await hasher.hash('a long test password') });
    await r.users.addMembership(orgId, u.id, role);
    return login(email, 'a long test password');
  };
  return {
    cloud,
    demo,
    ownerToken: await login(OWNER.email, OWNER.password),
    api,
    login,
    userWithRole: (role) => addUser(demo.orgId, role),
    async otherOrg() {
      const org = await repos(cloud.db).venues.createOrganisation(`Other ${++n}`);
      const d = await cloud.seedDemo(org.id);
      return { token: await addUser(org.id, 'owner'), demo: d };
    },
    close: async () => {
      await cloud.stop();
    },
  };
}

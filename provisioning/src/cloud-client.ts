/**
 * The slice of the SmartStock cloud API the technician's tool uses:
 * register, look up and revoke devices, set a camera's slots. Tokens never
 * reach a log or an error message.
 */
export interface CloudAuth {
  token?: string | undefined;
  email?: string | undefined;
  password?: string | undefined;
}

export interface CloudDevice {
  id: string;
  venueId?: string;
  online?: boolean;
  lastSeenAt?: string | null;
  health?: unknown;
  revokedAt?: string | null;
  configRevision?: number;
  /** as `GET /api/v1/devices/:id` answers them: `PUT …/cameras` takes the same shape back */
  cameras?: CloudCamera[];
  [k: string]: unknown;
}

export interface CloudSlot {
  id: string;
  itemId: string | null;
  name?: string | null;
  polygon: [number, number][];
}

/** A camera as the cloud keeps it; fields this tool does not know are sent back as they came. */
export interface CloudCamera {
  id: string;
  locationId: string;
  name?: string | null;
  url: string;
  slots: CloudSlot[];
  [k: string]: unknown;
}

/** An item of the organisation's catalogue, as far as this tool needs one. */
export interface CloudItem {
  id: string;
  sku: string;
  name: string;
}

export interface RegisterDevice {
  id: string;
  venueId: string;
  name: string;
  certFingerprint?: string;
}

export interface OrganisationCreated {
  organisation: { id: string; name: string };
  invitation: { link: string; email: string; expiresAt: string };
}

export class CloudError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly fix?: string,
  ) {
    super(message);
    this.name = 'CloudError';
  }
}

/** Someone saved the device's cameras between this tool's read and its write: nothing was uploaded (exit 1). */
export class StaleCamerasError extends CloudError {
  constructor(deviceId: string, cloudSays: string | undefined) {
    super(
      'the cameras changed since they were read: run it again',
      409,
      `another change to device ${deviceId}'s cameras was saved in between${cloudSays ? ` (the cloud says: ${cloudSays})` : ''}; ` +
        'nothing was uploaded, and running it again puts these slots on the cameras as they are now',
    );
    this.name = 'StaleCamerasError';
  }
}

/** --cloud-url without a way to sign in: a missing flag (exit 2), found before anything is made. */
export class NoCloudCredentialsError extends CloudError {
  constructor() {
    super(
      'no cloud credentials for --cloud-url',
      0,
      'give --token (or SMARTSTOCK_TOKEN), or --email and --password (SMARTSTOCK_EMAIL, SMARTSTOCK_PASSWORD)',
    );
    this.name = 'NoCloudCredentialsError';
  }
}

/**
 * The --venue the technician gave is no venue of their organisation: a usage error (exit 2) like any
 * wrong flag, not a failed call; what the attempt made (bundle, AWS thing) is taken back before it is thrown.
 */
export class UnknownVenueError extends CloudError {
  constructor(venueId: string, status: number) {
    super(`the cloud has no venue "${venueId}" in your organisation: --venue takes the venue's id, a UUID`, status);
    this.name = 'UnknownVenueError';
  }
}

export class CloudClient {
  private token: string | undefined;
  private reached: Promise<void> | undefined;

  constructor(
    readonly baseUrl: string,
    private readonly auth: CloudAuth,
  ) {
    this.token = auth.token;
  }

  /**
   * Creates the device; `created: false` when this organisation registered it before (re-runs are
   * safe). An id another organisation holds fails: the device would report to them, not to us.
   */
  async registerDevice(d: RegisterDevice): Promise<{ created: boolean }> {
    const res = await this.request('POST', '/api/v1/devices', d, [400, 404, 409]);
    if (res.status === 400 || res.status === 404) {
      if (!isJson(res)) throw notTheCloud(res);
      const e = ((await res.json().catch(() => ({}))) as { error?: { field?: string; message?: string } }).error;
      // the cloud's own words name a field of its API; the technician typed --venue
      if (e?.field === 'body.venueId' || e?.message === 'venue not found') throw new UnknownVenueError(d.venueId, res.status);
      throw new CloudError(`POST /api/v1/devices failed with HTTP ${res.status}: ${e?.message ?? 'no reason given'}`, res.status);
    }
    if (res.status !== 409) return { created: true };
    if (await this.getDevice(d.id)) return { created: false };
    throw new CloudError(
      `the device id ${d.id} is taken in the cloud by a device that is not in your organisation: give another --id, or leave --id out for an unguessable one`,
      409,
    );
  }

  /**
   * Signs in and reaches the cloud, once per client, so bad credentials or a wrong --cloud-url are found
   * before anything is made. It reads the organisation's devices, which every signed-in member gets (200):
   * asking for the device about to be made would be a 404 the cloud logs as a refused request.
   */
  reach(): Promise<void> {
    this.reached ??= this.request('GET', '/api/v1/devices', undefined)
      .then(answerOf)
      .then(() => undefined);
    return this.reached;
  }

  /** The device, or null when the cloud does not know it. */
  async getDevice(id: string): Promise<CloudDevice | null> {
    const res = await this.request('GET', `/api/v1/devices/${encodeURIComponent(id)}`, undefined, [404]);
    if (res.status !== 404) return (await answerOf(res)) as CloudDevice;
    if (!isJson(res)) throw notTheCloud(res); // a web server's "not found" page, not the cloud's
    return null;
  }

  /**
   * Replaces the device's cameras (all of them: the API has no per-camera write); the cloud sends
   * the device its new config. Answers the device as saved. readAt: the configRevision the cameras
   * were read at; a change saved since (the dashboard, another technician) is not overwritten but
   * refused with StaleCamerasError.
   */
  async saveCameras(id: string, cameras: CloudCamera[], readAt?: number): Promise<CloudDevice> {
    const path = `/api/v1/devices/${encodeURIComponent(id)}/cameras`;
    const res = await this.request('PUT', path, { cameras, ...(readAt === undefined ? {} : { expectedRevision: readAt }) }, [409]);
    if (res.status !== 409) return (await answerOf(res)) as CloudDevice;
    const copy = res.clone();
    const e = ((await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } }).error;
    if (e?.code === 'stale_revision') throw new StaleCamerasError(id, e.message);
    throw await refusal('PUT', path, copy);
  }

  /** The venue's locations (bars, storage): a camera watches the shelves of one. */
  async listLocations(venueId: string): Promise<{ id: string; name: string }[]> {
    const res = await this.request('GET', `/api/v1/venues/${encodeURIComponent(venueId)}/locations`, undefined);
    return (await answerOf(res)) as { id: string; name: string }[];
  }

  /** Every item of the organisation's catalogue that is not archived, page by page. */
  async listItems(): Promise<CloudItem[]> {
    const items: CloudItem[] = [];
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ limit: '500', ...(cursor ? { cursor } : {}) });
      const res = await this.request('GET', `/api/v1/inventory/items?${query}`, undefined);
      const page = (await answerOf(res)) as { items: CloudItem[]; nextCursor: string | null };
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }

  async revokeDevice(id: string): Promise<void> {
    await this.request('POST', `/api/v1/devices/${encodeURIComponent(id)}/revoke`, {});
  }

  /** An operator's: a new organisation and its owner's invitation link (the owner sets their password by it). */
  async createOrganisation(o: { organisation: string; ownerEmail: string }): Promise<OrganisationCreated> {
    const res = await this.request('POST', '/api/v1/operator/organisations', o);
    return (await answerOf(res)) as OrganisationCreated;
  }

  /** Every organisation of the cloud (operators only). */
  async listOrganisations(): Promise<{ id: string; name: string; members: number; venues: number; suspendedAt: string | null }[]> {
    const res = await this.request('GET', '/api/v1/operator/organisations', undefined);
    return (await answerOf(res)) as { id: string; name: string; members: number; venues: number; suspendedAt: string | null }[];
  }

  private async login(): Promise<string> {
    if (!this.auth.email || !this.auth.password) throw new NoCloudCredentialsError();
    const res = await this.send('POST', '/api/v1/auth/login', { email: this.auth.email, password: this.auth.password }, undefined);
    if (!res.ok && !isJson(res)) throw notTheCloud(res);
    if (!res.ok) throw new CloudError(`cloud login refused (HTTP ${res.status}): check --email and --password`, res.status);
    const body = (await answerOf(res)) as { accessToken?: string };
    if (!body.accessToken) throw new CloudError('cloud login answered without an accessToken', res.status);
    return body.accessToken;
  }

  private async request(method: string, path: string, body: unknown, tolerated: number[] = []): Promise<Response> {
    this.token ??= await this.login();
    const res = await this.send(method, path, body, this.token);
    if (res.ok || tolerated.includes(res.status)) return res;
    throw await refusal(method, path, res);
  }

  private async send(method: string, path: string, body: unknown, token: string | undefined): Promise<Response> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    try {
      return await fetch(new URL(path, this.baseUrl), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (e) {
      throw unreachable(this.baseUrl, e);
    }
  }
}

/** Why fetch could not reach the cloud, in plain words: "fetch failed" tells a technician nothing. */
function unreachable(baseUrl: string, e: unknown): CloudError {
  const err = e as Error & { cause?: { code?: string } };
  const code = err.cause?.code ?? '';
  const host = new URL(baseUrl).host;
  if (err.name === 'TimeoutError')
    return new CloudError(
      `the cloud at ${baseUrl} did not answer within 15 s`,
      0,
      'check --cloud-url and this network (a proxy or firewall?)',
    );
  if (code === 'ECONNREFUSED')
    return new CloudError(
      `nothing answers at ${baseUrl} (connection refused)`,
      0,
      'is the cloud running? check --cloud-url: its address and port, as the dashboard is opened',
    );
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new CloudError(`no such host ${host} (the name does not resolve)`, 0, 'check --cloud-url for a typo, and this network');
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code))
    return new CloudError(
      `the cloud's TLS certificate at ${host} is not trusted (${code})`,
      0,
      'a private CA: NODE_EXTRA_CA_CERTS=/path/to/ca.crt before the command',
    );
  return new CloudError(`cannot reach the cloud at ${baseUrl} (${code || err.message})`, 0, 'check --cloud-url and this network');
}

/** The cloud always answers JSON; anything else means --cloud-url is some other web server. */
async function answerOf(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    throw notTheCloud(res);
  }
}

const isJson = (res: Response) => /json/i.test(res.headers.get('content-type') ?? '');

function notTheCloud(res: Response): CloudError {
  return new CloudError(
    `${new URL(res.url).host} answered ${new URL(res.url).pathname} with ${res.headers.get('content-type')?.split(';')[0] ?? 'something'} (HTTP ${res.status}), not the SmartStock cloud's JSON`,
    res.status,
    "check --cloud-url: the cloud's address, as the dashboard is opened (without #/…)",
  );
}

/**
 * The cloud's refusal in its own words (`{"error":{"code","message"}}`), with the fix for the codes a
 * technician meets: a one-time password not yet changed is no expired token.
 */
async function refusal(method: string, path: string, res: Response): Promise<CloudError> {
  const text = await res.text().catch(() => '');
  let cloudSays: { code?: string; message?: string } | undefined;
  try {
    const parsed = JSON.parse(text) as { error?: { code?: string; message?: string } | string };
    cloudSays = typeof parsed.error === 'string' ? { message: parsed.error } : parsed.error;
  } catch {
    // a web page or a proxy's error is no refusal of the cloud: do not print it
    if (/html/i.test(res.headers.get('content-type') ?? '') || /^\s*</.test(text)) return notTheCloud(res);
    cloudSays = text ? { message: text.slice(0, 300) } : undefined;
  }
  const said = cloudSays?.message ? `: ${cloudSays.message}` : '';
  const message = `${method} ${path} failed with HTTP ${res.status}${said}`;
  if (cloudSays?.code === 'password-change-required')
    return new CloudError(message, res.status, 'sign in to the dashboard once and choose your own password, then run this again with it');
  if (res.status === 403 && path.startsWith('/api/v1/operator/'))
    return new CloudError(
      message,
      res.status,
      'the account is not an operator of this cloud (SMARTSTOCK_OPERATORS on the cloud names them)',
    );
  if (res.status === 401)
    return new CloudError(message, res.status, 'the token is missing or expired: give a fresh --token, or --email and --password');
  if (res.status === 403)
    return new CloudError(
      message,
      res.status,
      'the account may not manage devices: sign in as the owner or a technician of the organisation',
    );
  return new CloudError(message, res.status);
}

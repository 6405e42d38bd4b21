// The fetch wrapper under the typed client (api.ts): bearer token, one refresh on 401,
// the cloud's error envelope turned into ApiError, and writes refused while offline
// (nothing destructive is queued for later).
import type { ErrorBody } from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly requestId?: string,
  ) {
    super(message);
  }
}

export interface TokenSource {
  accessToken(): string | undefined;
  /** asks for a new access token; false when the session is over */
  refresh(): Promise<boolean>;
}

export interface Freshness {
  /** set when the answer came from the service worker's cache */
  offlineSince?: string;
}

export class ApiClient {
  /** the last read served from cache while offline, for the "last updated" banner */
  onFreshness: (f: Freshness) => void = () => undefined;

  constructor(
    private readonly tokens: TokenSource,
    private readonly base = '/api/v1',
  ) {}

  protected async raw(method: string, path: string, body?: unknown, retry = true): Promise<Response> {
    if (method !== 'GET' && typeof navigator !== 'undefined' && navigator.onLine === false)
      throw new ApiError(0, 'offline', 'You are offline: nothing was changed. Try again when the connection is back.');
    const headers: Record<string, string> = {};
    const token = this.tokens.accessToken();
    if (token) headers.authorization = `Bearer ${token}`;
    // a file (an invoice photo, a PDF) goes as its own bytes; anything else as JSON
    const file = typeof Blob !== 'undefined' && body instanceof Blob;
    if (body !== undefined) headers['content-type'] = file ? body.type || 'application/octet-stream' : 'application/json';
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        method,
        headers,
        body: body === undefined ? undefined : file ? body : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, 'network', 'Cannot reach SmartStock: check the connection.');
    }
    if (res.status === 401 && retry && token && (await this.tokens.refresh())) return this.raw(method, path, body, false);
    if (!res.ok) throw await toError(res);
    if (method === 'GET') {
      const offline = res.headers.get('x-smartstock-offline');
      const fetchedAt = res.headers.get('x-smartstock-fetched-at');
      this.onFreshness(offline && fetchedAt ? { offlineSince: fetchedAt } : {});
    }
    return res;
  }

  /** the answer's bytes (a purchase order's PDF) */
  async blob(path: string): Promise<Blob> {
    return (await this.raw('GET', path)).blob();
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.raw(method, path, body);
    return res.status === 204 ? (undefined as T) : ((await res.json()) as T);
  }
}

async function toError(res: Response): Promise<ApiError> {
  let body: ErrorBody = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    /* a proxy's HTML page: fall back to the status text */
  }
  const e = body.error ?? {};
  return new ApiError(
    res.status,
    e.code ?? 'http_' + res.status,
    e.message ?? (res.statusText || `HTTP ${res.status}`),
    e.field,
    e.requestId,
  );
}

/** A query string of the values given (empty strings and undefined left out). */
export const query = (q: Record<string, string | number | undefined>) =>
  new URLSearchParams(Object.entries(q).flatMap(([k, v]) => (v === undefined || v === '' ? [] : [[k, String(v)]]))).toString();

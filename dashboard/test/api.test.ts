import { afterEach, describe, expect, it, vi } from 'vitest';
import { Api, ApiError } from '../src/lib/api';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('Api client', () => {
  afterEach(() => vi.unstubAllGlobals());

  it("turns the cloud's error envelope into an ApiError naming the field", async () => {
    vi.stubGlobal('fetch', async () =>
      json(400, { error: { code: 'bad_request', message: 'quantity must be positive', field: 'quantity', requestId: 'r1' } }),
    );
    const api = new Api({ accessToken: () => 't', refresh: async () => false });
    const e = await api.adjust('i', { locationId: 'l', type: 'WASTE', quantity: 0 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ status: 400, code: 'bad_request', message: 'quantity must be positive', field: 'quantity', requestId: 'r1' });
  });

  it('refreshes once on 401 and retries with the new token', async () => {
    let token = 'old';
    const seen: string[] = [];
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      const auth = (init.headers as Record<string, string>).authorization!;
      seen.push(auth);
      return auth === 'Bearer new' ? json(200, []) : json(401, { error: { code: 'unauthorized', message: 'expired' } });
    });
    const refresh = vi.fn(async () => {
      token = 'new';
      return true;
    });
    const api = new Api({ accessToken: () => token, refresh });
    expect(await api.venues()).toEqual([]);
    expect(seen).toEqual(['Bearer old', 'Bearer new']);
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('reports answers the service worker served from its cache while offline', async () => {
    vi.stubGlobal('fetch', async () =>
      json(200, [], { 'x-smartstock-offline': '1', 'x-smartstock-fetched-at': '2026-11-25T04:00:00.000Z' }),
    );
    const api = new Api({ accessToken: () => 't', refresh: async () => false });
    const seen: unknown[] = [];
    api.onFreshness = (f) => seen.push(f);
    await api.venues();
    expect(seen).toEqual([{ offlineSince: '2026-11-25T04:00:00.000Z' }]);
  });

  it('refuses writes while the browser is offline, without calling the network', async () => {
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
    vi.stubGlobal('navigator', { onLine: false });
    const api = new Api({ accessToken: () => 't', refresh: async () => false });
    await expect(api.adjust('i', { locationId: 'l', type: 'COUNT', quantity: 1 })).rejects.toMatchObject({ code: 'offline' });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('says the network is down rather than throwing a TypeError', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    const api = new Api({ accessToken: () => 't', refresh: async () => false });
    await expect(api.venues()).rejects.toMatchObject({ code: 'network' });
  });
});

describe('Api.deadLetters', () => {
  afterEach(() => vi.unstubAllGlobals());

  it("asks for one device's recent rejects with only the filters given", async () => {
    const urls: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      urls.push(url);
      return json(200, { deadLetters: [], nextBefore: null });
    });
    const api = new Api({ accessToken: () => 't', refresh: async () => false });
    expect(await api.deadLetters({ deviceId: 'back-bar:1', limit: 20 })).toEqual({ deadLetters: [], nextBefore: null });
    await api.deadLetters();
    expect(urls.map((u) => u.replace(/^.*\/api\/v1/, ''))).toEqual(['/dead-letters?deviceId=back-bar%3A1&limit=20', '/dead-letters']);
  });
});

// Routes as data: parsed from and written to the location hash. Plain TS, unit-tested.
export type Route =
  | { name: 'overview' }
  | { name: 'items' }
  | { name: 'item'; id: string }
  | { name: 'shelf'; deviceId: string; cameraId: string }
  | { name: 'shelves' }
  | { name: 'devices' }
  | { name: 'alerts' }
  | { name: 'notifications' }
  | { name: 'users' }
  | { name: 'signup' }
  | { name: 'invite'; token: string }
  | { name: 'slots'; deviceId: string; cameraId: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [a, b, c, d] = parts;
  if (a === 'items' && b) return { name: 'item', id: b };
  if (a === 'items') return { name: 'items' };
  if (a === 'shelves' && b && c) return { name: 'shelf', deviceId: b, cameraId: c };
  if (a === 'shelves') return { name: 'shelves' };
  if (a === 'devices' && b && c === 'slots' && d) return { name: 'slots', deviceId: b, cameraId: d };
  if (a === 'devices') return { name: 'devices' };
  if (a === 'alerts') return { name: 'alerts' };
  if (a === 'notifications') return { name: 'notifications' };
  if (a === 'people') return { name: 'users' };
  if (a === 'signup') return { name: 'signup' };
  if (a === 'invite' && b) return { name: 'invite', token: b };
  return { name: 'overview' };
}

export function href(r: Route): string {
  const e = encodeURIComponent;
  switch (r.name) {
    case 'overview':
      return '#/';
    case 'items':
      return '#/items';
    case 'item':
      return `#/items/${e(r.id)}`;
    case 'shelves':
      return '#/shelves';
    case 'shelf':
      return `#/shelves/${e(r.deviceId)}/${e(r.cameraId)}`;
    case 'devices':
      return '#/devices';
    case 'alerts':
      return '#/alerts';
    case 'notifications':
      return '#/notifications';
    case 'users':
      return '#/people';
    case 'signup':
      return '#/signup';
    case 'invite':
      return `#/invite/${e(r.token)}`;
    case 'slots':
      return `#/devices/${e(r.deviceId)}/slots/${e(r.cameraId)}`;
  }
}

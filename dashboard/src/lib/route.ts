// Routes as data: parsed from and written to the location hash. Plain TS, unit-tested.
export type Route =
  | { name: 'overview' }
  | { name: 'items' }
  | { name: 'item'; id: string }
  /** a new item (id absent), perhaps with a scanned barcode, or an item's edit form */
  | { name: 'item-edit'; id?: string; barcode?: string }
  /** a scanned barcode no item has: attach it to one, or make a new item with it */
  | { name: 'barcode'; code: string }
  | { name: 'shelf'; deviceId: string; cameraId: string }
  | { name: 'shelves' }
  | { name: 'devices' }
  | { name: 'alerts' }
  | { name: 'notifications' }
  | { name: 'users' }
  | { name: 'signup' }
  | { name: 'invite'; token: string }
  | { name: 'accuracy' }
  | { name: 'audit' }
  | { name: 'forecast' }
  | { name: 'forecast-accuracy' }
  | { name: 'sales' }
  /** the variance report; item and location open one line's evidence */
  | { name: 'variance'; itemId?: string; locationId?: string }
  | { name: 'orders' }
  | { name: 'order'; id: string }
  | { name: 'suppliers' }
  | { name: 'invoices' }
  | { name: 'invoice'; id: string }
  /** the owner's organisation page: export, company sign-in, deletion */
  | { name: 'organisation' }
  | { name: 'slots'; deviceId: string; cameraId: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [a, b, c, d] = parts;
  if (a === 'items' && b === 'new') return { name: 'item-edit', ...(c ? { barcode: c } : {}) };
  if (a === 'items' && b && c === 'edit') return { name: 'item-edit', id: b };
  if (a === 'items' && b) return { name: 'item', id: b };
  if (a === 'barcode' && b) return { name: 'barcode', code: b };
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
  if (a === 'accuracy') return { name: 'accuracy' };
  if (a === 'audit') return { name: 'audit' };
  if (a === 'forecast' && b === 'accuracy') return { name: 'forecast-accuracy' };
  if (a === 'forecast') return { name: 'forecast' };
  if (a === 'sales') return { name: 'sales' };
  if (a === 'variance' && b && c) return { name: 'variance', itemId: b, locationId: c };
  if (a === 'variance') return { name: 'variance' };
  if (a === 'orders' && b) return { name: 'order', id: b };
  if (a === 'orders') return { name: 'orders' };
  if (a === 'suppliers') return { name: 'suppliers' };
  if (a === 'invoices' && b) return { name: 'invoice', id: b };
  if (a === 'invoices') return { name: 'invoices' };
  if (a === 'organisation') return { name: 'organisation' };
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
    case 'item-edit':
      return r.id ? `#/items/${e(r.id)}/edit` : `#/items/new${r.barcode ? `/${e(r.barcode)}` : ''}`;
    case 'barcode':
      return `#/barcode/${e(r.code)}`;
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
    case 'accuracy':
      return '#/accuracy';
    case 'audit':
      return '#/audit';
    case 'forecast':
      return '#/forecast';
    case 'forecast-accuracy':
      return '#/forecast/accuracy';
    case 'sales':
      return '#/sales';
    case 'variance':
      return r.itemId && r.locationId ? `#/variance/${e(r.itemId)}/${e(r.locationId)}` : '#/variance';
    case 'orders':
      return '#/orders';
    case 'order':
      return `#/orders/${e(r.id)}`;
    case 'suppliers':
      return '#/suppliers';
    case 'invoices':
      return '#/invoices';
    case 'invoice':
      return `#/invoices/${e(r.id)}`;
    case 'organisation':
      return '#/organisation';
    case 'slots':
      return `#/devices/${e(r.deviceId)}/slots/${e(r.cameraId)}`;
  }
}

import { describe, expect, it } from 'vitest';
import { href, parseRoute, type Route } from '../src/lib/route';

describe('hash routes', () => {
  const routes: Route[] = [
    { name: 'overview' },
    { name: 'items' },
    { name: 'item', id: '0b6e6a8e-1c1e-4f7e-9d35-2f0d8f1b7a10' },
    { name: 'shelves' },
    { name: 'shelf', deviceId: 'anchor-edge:1', cameraId: 'cam-1' },
    { name: 'devices' },
    { name: 'slots', deviceId: 'anchor_edge-1', cameraId: 'cam.2' },
    { name: 'accuracy' },
    { name: 'audit' },
    { name: 'forecast' },
    { name: 'forecast-accuracy' },
    { name: 'sales' },
    { name: 'variance' },
    { name: 'variance', itemId: '0b6e6a8e-1c1e-4f7e-9d35-2f0d8f1b7a10', locationId: '1b6e6a8e-1c1e-4f7e-9d35-2f0d8f1b7a10' },
    { name: 'organisation' },
    { name: 'item-edit' },
    { name: 'item-edit', barcode: '4006381333931' },
    { name: 'item-edit', id: '0b6e6a8e-1c1e-4f7e-9d35-2f0d8f1b7a10' },
    { name: 'barcode', code: 'ABC/123 x' },
  ];
  it.each(routes)('round-trips %o', (r) => expect(parseRoute(href(r))).toEqual(r));
  it('reads an unknown or empty hash as the overview', () => {
    expect(parseRoute('')).toEqual({ name: 'overview' });
    expect(parseRoute('#/nowhere/at/all')).toEqual({ name: 'overview' });
    expect(parseRoute('#/devices/x/slots')).toEqual({ name: 'devices' });
  });
});

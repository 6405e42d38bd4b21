import type { Repos } from '../support/repos.js';

/** the slot's outline on the camera's picture */
export const SLOT_POLYGON: [number, number][] = [
  [0, 0],
  [1, 0],
  [1, 1],
];

/**
 * A venue with a bar and a device of its own whose one camera (`cam-1`) has one slot (`s1`) showing the
 * item: the shelf the observation suites write to, one per test so no test sees another's readings.
 */
export async function oneSlotDevice(repositories: Repos, orgId: string, itemId: string, deviceId: string) {
  const venue = await repositories.venues.createVenue(orgId, { name: deviceId });
  const location = await repositories.venues.createLocation(orgId, { venueId: venue.id, name: 'Bar' });
  await repositories.devices.create(orgId, { id: deviceId, venueId: venue.id, name: deviceId });
  await repositories.devices.replaceCameras(orgId, deviceId, [
    {
      id: 'cam-1',
      locationId: location.id,
      url: 'rtsp://x/y',
      transport: 'tcp',
      sampleEverySeconds: 2,
      enabled: true,
      slots: [{ id: 's1', itemId, polygon: SLOT_POLYGON }],
    },
  ]);
  return { venue, location };
}

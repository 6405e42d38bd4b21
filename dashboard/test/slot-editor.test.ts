/**
 * The slot editor saves every camera of the device from what it read: when someone else saved them
 * in between, the cloud refuses (409 stale_revision) and the editor says so, shows their version and
 * keeps the manager's slots aside, instead of undoing the other change.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Api } from '../src/lib/api';
import { ApiError } from '../src/lib/api';
import { SlotEditor } from '../src/lib/slot-editor.svelte';
import type { Camera, DeviceWithCameras, Slot } from '../src/lib/types';

const triangle: [number, number][] = [
  [0.1, 0.1],
  [0.3, 0.1],
  [0.3, 0.4],
];
const slot = (id: string): Slot => ({ id, itemId: null, name: null, polygon: triangle });
const camera = (id: string, slotIds: string[]): Camera =>
  ({
    id,
    locationId: 'loc',
    name: null,
    url: 'rtsp://10.0.0.5/s',
    transport: 'tcp',
    sampleEverySeconds: 2,
    enabled: true,
    slots: slotIds.map(slot),
  }) as Camera;

/** A cloud holding one device's cameras at a revision, refusing a save read at an older one as the real one does. */
function fakeCloud(cameras: Camera[]) {
  const held = { revision: 1, cameras, saves: [] as (number | undefined)[] };
  const device = () =>
    ({
      id: 'dev',
      configRevision: held.revision,
      configAckedRevision: held.revision,
      configError: null,
      cameras: structuredClone(held.cameras),
    }) as unknown as DeviceWithCameras;
  const api = {
    device: async () => device(),
    saveCameras: async (_id: string, next: Camera[], readAt?: number) => {
      held.saves.push(readAt);
      if (readAt !== undefined && readAt !== held.revision)
        throw new ApiError(
          409,
          'stale_revision',
          `the cameras changed since they were read: the device's config is at revision ${held.revision}, not ${readAt}`,
        );
      held.revision += 1;
      held.cameras = structuredClone(next);
      return device();
    },
  } as unknown as Api;
  return { held, api };
}

describe('the slot editor and a change saved by someone else', () => {
  // the unit tests run the editor's logic without the Svelte compiler: its runes as plain values
  beforeAll(() => {
    vi.stubGlobal(
      '$state',
      Object.assign(<T>(value: T) => value, { snapshot: <T>(value: T) => structuredClone(value) }),
    );
  });

  it('sends the revision it read, and saves when nobody changed the cameras', async () => {
    const { held, api } = fakeCloud([camera('cam-1', ['slot-1'])]);
    const editor = new SlotEditor(api, 'dev', 'cam-1');
    await editor.load();
    editor.remove('slot-1');
    await editor.save({ timeoutMs: 50, pollMs: 1 });
    expect(held.saves).toEqual([1]);
    expect(held.cameras[0]!.slots).toEqual([]);
    expect(editor.ack.kind).toBe('applied');
  });

  it("is refused after another save, shows the other's cameras and keeps the manager's slots to put back", async () => {
    const { held, api } = fakeCloud([camera('cam-1', ['slot-1']), camera('cam-2', ['door-1'])]);
    const editor = new SlotEditor(api, 'dev', 'cam-1');
    await editor.load();
    editor.remove('slot-1');
    // meanwhile a technician's `slots apply` gives the other camera new slots
    held.cameras = [camera('cam-1', ['slot-1']), camera('cam-2', ['door-1', 'door-2'])];
    held.revision = 2;

    await editor.save({ timeoutMs: 50, pollMs: 1 });
    expect(held.saves).toEqual([1]);
    expect(held.cameras[1]!.slots.map((s) => s.id)).toEqual(['door-1', 'door-2']);
    expect(editor.ack).toMatchObject({ kind: 'stale', revision: 2, mine: [] });
    expect(editor.slots.map((s) => s.id)).toEqual(['slot-1']);

    editor.restoreMine();
    expect(editor.slots).toEqual([]);
    expect(editor.dirty).toBe(true);
    await editor.save({ timeoutMs: 50, pollMs: 1 });
    expect(held.saves).toEqual([1, 2]);
    expect(held.cameras.map((c) => c.slots.map((s) => s.id))).toEqual([[], ['door-1', 'door-2']]);
  });
});

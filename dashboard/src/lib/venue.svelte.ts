// Everything the views show about one venue: its locations, live stock levels,
// devices and the latest observation of every shelf slot. Live messages patch it.
import type { Api } from './api';
import { handleError } from './toasts.svelte';
import type { Camera, Device, LiveMessage, Location, SlotObservation, StockLevel, Venue } from './types';

export const slotKey = (deviceId: string, cameraId: string, slotId: string) => `${deviceId}/${cameraId}/${slotId}`;

export class VenueState {
  venues = $state<Venue[]>([]);
  venueId = $state<string | undefined>();
  locations = $state<Location[]>([]);
  /** itemId/locationId → level */
  levels = $state<Record<string, StockLevel>>({});
  devices = $state<Device[]>([]);
  slots = $state<Record<string, SlotObservation>>({});
  /** deviceId → its cameras and slots, loaded when a shelf or device view needs them */
  cameras = $state<Record<string, Camera[]>>({});
  /** set while the data shown came from the offline cache */
  offlineSince = $state<string | undefined>();
  loading = $state(false);

  constructor(private readonly api: Api) {
    api.onFreshness = (f) => (this.offlineSince = f.offlineSince);
  }

  get venue(): Venue | undefined {
    return this.venues.find((v) => v.id === this.venueId);
  }

  levelsAt(locationId: string): StockLevel[] {
    return Object.values(this.levels)
      .filter((l) => l.locationId === locationId)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  levelsOf(itemId: string): StockLevel[] {
    return Object.values(this.levels).filter((l) => l.itemId === itemId);
  }

  locationName(id: string | null | undefined): string {
    return this.locations.find((l) => l.id === id)?.name ?? '—';
  }

  async load(): Promise<void> {
    this.loading = true;
    try {
      this.venues = await this.api.venues();
      const saved = localStorage.getItem('smartstock.venue');
      this.venueId = this.venues.find((v) => v.id === saved)?.id ?? this.venues[0]?.id;
      await this.loadVenue();
    } catch (e) {
      handleError(e, 'Loading the venue');
    } finally {
      this.loading = false;
    }
  }

  /** The venues again (their currency follows the organisation's when they set none). */
  async reloadVenues(): Promise<void> {
    this.venues = await this.api.venues();
  }

  replaceVenue(v: Venue): void {
    this.venues = this.venues.map((x) => (x.id === v.id ? v : x));
  }

  async select(id: string): Promise<void> {
    this.venueId = id;
    localStorage.setItem('smartstock.venue', id);
    this.slots = {};
    await this.loadVenue();
  }

  async loadVenue(): Promise<void> {
    const id = this.venueId;
    if (!id) return;
    const [locations, devices] = await Promise.all([this.api.locations(id), this.api.devices(id)]);
    this.locations = locations;
    this.devices = devices;
    const stocks = await Promise.all(locations.map((l) => this.api.stock(l.id)));
    const levels: Record<string, StockLevel> = {};
    for (const s of stocks) for (const l of s.levels) levels[`${l.itemId}/${l.locationId}`] = l;
    this.levels = levels;
  }

  async loadCameras(): Promise<void> {
    const all = await Promise.all(this.devices.map((d) => this.api.device(d.id)));
    for (const d of all) this.cameras[d.id] = d.cameras;
  }

  itemName(itemId: string | null | undefined): string {
    if (!itemId) return 'Unassigned';
    return Object.values(this.levels).find((l) => l.itemId === itemId)?.name ?? 'Unknown item';
  }

  setLevel(l: StockLevel): void {
    this.levels[`${l.itemId}/${l.locationId}`] = l;
  }

  apply(m: LiveMessage): void {
    if (m.type === 'stock') this.setLevel(m.data);
    else if (m.type === 'observation') {
      for (const o of m.data.observations) {
        const k = slotKey(m.data.deviceId, o.cameraId, o.slotId);
        const prev = this.slots[k];
        if (!prev || prev.at <= o.at) this.slots[k] = o;
      }
    } else if (m.type === 'device') {
      const d = this.devices.find((x) => x.id === m.data.deviceId);
      if (d) Object.assign(d, m.data);
    }
  }
}

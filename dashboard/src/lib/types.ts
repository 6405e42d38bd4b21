// Shapes of the Cloud API's answers (cloud/src/routes and services). The browser
// cannot import the cloud, so these mirror its responses; MQTT payload types come
// from @smartstock/protocol (types only).
import type { OnlineStatus } from '@smartstock/protocol';

export type Role = 'owner' | 'manager' | 'bartender' | 'technician';
export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  orgId: string;
  mustChangePassword?: boolean;
}
export interface Session {
  accessToken: string;
  refreshToken: string;
  user: User;
}
export interface Venue {
  id: string;
  name: string;
  timezone: string;
}
export interface Location {
  id: string;
  venueId: string;
  name: string;
  type: 'bar' | 'storage' | 'cellar' | 'kitchen' | 'other';
  active: boolean;
}
export interface ItemLocation {
  itemId: string;
  locationId: string;
  parLevel: number;
  reorderPoint: number;
}
export interface Item {
  id: string;
  sku: string;
  name: string;
  category: string;
  barcode: string | null;
  bottleSizeMl: number | null;
  unit: string;
  unitCost: number | null;
  supplier: string | null;
  archived: boolean;
  locations: ItemLocation[];
}
export type StockStatus = 'ok' | 'low' | 'out';
export interface StockLevel {
  itemId: string;
  locationId: string;
  sku: string;
  name: string;
  level: number;
  parLevel: number;
  reorderPoint: number;
  status: StockStatus;
  source: 'camera' | 'manual' | 'camera+manual' | 'none';
  cameraUnits: number | null;
  confidence: number | null;
  updatedAt: string | null;
}
export type AdjustKind = 'COUNT' | 'WASTE' | 'RECEIVE' | 'SALE' | 'ADJUSTMENT';
export interface Adjustment {
  locationId: string;
  type: AdjustKind;
  quantity: number;
  reason?: string;
}
export interface Slot {
  id: string;
  itemId: string | null;
  name?: string | null;
  polygon: [number, number][];
}
export interface Camera {
  id: string;
  locationId: string;
  name?: string | null;
  url: string;
  transport: 'tcp' | 'udp' | 'auto';
  sampleEverySeconds: number;
  enabled: boolean;
  slots: Slot[];
}
export interface Device {
  id: string;
  venueId: string;
  name: string;
  revokedAt: string | null;
  online: boolean;
  lastSeenAt: string | null;
  health: Partial<OnlineStatus> | null;
  configRevision: number;
  configAckedRevision: number;
  configError: string | null;
  cameras?: Camera[];
}
/** One slot as the live socket reports it (cloud observation.service publishLive). */
export interface SlotObservation {
  id: string;
  cameraId: string;
  slotId: string;
  itemId: string | null;
  locationId: string | null;
  count: number;
  fills: (number | null)[];
  units: number;
  confidence: number;
  state: 'ok' | 'occluded' | 'stale';
  trusted: boolean;
  at: string;
}
export interface History {
  observations: { at: string; units: number; trusted: boolean }[];
  transactions: { at: string; type: AdjustKind; quantity: number; after: number | null; reason: string | null }[];
}
export type LiveMessage =
  | { type: 'stock'; cursor: number; data: StockLevel }
  | { type: 'observation'; cursor: number; data: { deviceId: string; observations: SlotObservation[] } }
  | { type: 'device'; cursor: number; data: { deviceId: string; online?: boolean; [k: string]: unknown } }
  | { type: 'alert'; cursor: number; data: Alert };

export type AlertRule =
  'low_stock' | 'out_of_stock' | 'forecast_stockout' | 'unexplained_loss' | 'device_offline' | 'camera_stale' | 'outbox_backlog';
export type AlertState = 'raised' | 'escalated' | 'acknowledged' | 'resolved';
export interface Alert {
  id: string;
  venueId: string;
  rule: AlertRule;
  itemId: string | null;
  locationId: string | null;
  deviceId: string | null;
  cameraId: string | null;
  severity: 'info' | 'warning' | 'critical';
  state: AlertState;
  message: string;
  raisedAt: string;
  escalatedAt: string | null;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  updatedAt: string;
}
export type Channel = 'sms' | 'email' | 'push' | 'log';
export interface Notification {
  id: string;
  venueId: string | null;
  alertId: string | null;
  kind: string;
  channel: Channel;
  recipient: string;
  body: string;
  status: 'pending' | 'sending' | 'held' | 'sent' | 'failed' | 'dead' | 'digested';
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}
export interface NotificationSettings {
  venueId: string;
  displayName: string | null;
  phoneE164: string | null;
  email: string | null;
  channels: Channel[];
  quietStart: number | null;
  quietEnd: number | null;
  dailySummary: boolean;
  enabled: boolean;
}
export interface NotificationSettingsInput {
  phone?: string | null;
  email?: string | null;
  channels: Channel[];
  quietHours?: { start: string; end: string } | null;
  dailySummary?: boolean;
  enabled?: boolean;
}

export interface SlotCorrectionInput {
  trueCount: number;
  /** per bottle, 0-1, left to right: only these teach the fill model */
  trueFills?: number[];
  note?: string;
  /** the reading being corrected, so a newer one arriving meanwhile is not the one blamed */
  observationId?: string;
}
export interface SlotCorrectionResult {
  correction: { id: string; modelCount: number | null; trueCount: number };
  crop: { width: number; height: number } | null;
  /** why no picture was kept, when none was */
  cropMissing: string | null;
  stock: StockLevel | null;
}

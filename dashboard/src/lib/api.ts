// The typed client of the Cloud API (/api/v1): one method per route, over the fetch
// wrapper of api-client.ts.
import type {
  AdjustResult,
  Adjustment,
  Alert,
  AlertState,
  Camera,
  DeadLetterPage,
  Device,
  DeviceWithCameras,
  History,
  Invite,
  Invitation,
  InvitationCreated,
  InvitationPreview,
  Organisation,
  OrganisationExport,
  OidcSettings,
  OidcSettingsState,
  OidcSettingsBody,
  Signup,
  Item,
  ItemLocation,
  ItemPage,
  Location,
  LocationStock,
  Notification,
  NotificationSettings,
  NotificationRecipients,
  NotificationTestResult,
  Channel,
  Role,
  User,
  NotificationSettingsInput,
  Session,
  SlotCorrectionInput,
  SlotCorrectionResult,
  ScanResult,
  TransferInput,
  TransferResult,
  Venue,
  VisionAccuracy,
  AuditPage,
  Forecast,
  ForecastAccuracy,
  ForecastCalendar,
  ForecastEvent,
  StockDays,
  KpiReport,
  MenuSales,
  PosConnection,
  PosConnectionInput,
  Recipe,
  RecipeInput,
  SalesCoverage,
  UnmappedEntry,
  VarianceReport,
} from './types';

import { ApiClient, ApiError, query } from './api-client';

export { ApiError };
export type { Freshness, TokenSource } from './api-client';

export class Api extends ApiClient {
  login(email: string, password: string) {
    return this.json<Session>('POST', '/auth/login', { email, password });
  }
  signup(s: Signup) {
    return this.json<Session>('POST', '/signup', s);
  }
  /** where to send the browser to sign in with the company account of this e-mail's domain */
  oidcStart(email: string) {
    return this.json<{ authorizationUrl: string }>('POST', '/auth/oidc/start', { email });
  }
  /** the query the issuer sent the browser back with: the cloud checks it and signs in */
  oidcCallback(query: string) {
    return this.json<Session>('POST', '/auth/oidc/callback', { query });
  }
  previewInvitation(token: string) {
    return this.json<InvitationPreview>('POST', '/invitations/preview', { token });
  }
  acceptInvitation(a: { token: string; name: string; password: string }) {
    return this.json<Session>('POST', '/invitations/accept', a);
  }
  invitations() {
    return this.json<Invitation[]>('GET', '/invitations');
  }
  createInvitation(i: { email: string; role: Role; expiresInHours: number }) {
    return this.json<InvitationCreated>('POST', '/invitations', i);
  }
  revokeInvitation(id: string) {
    return this.json<void>('DELETE', `/invitations/${id}`);
  }
  organisation() {
    return this.json<Organisation>('GET', '/organisation');
  }
  /** the owner's settings: the organisation's currency */
  updateOrganisation(b: { currency?: string }) {
    return this.json<Organisation>('PATCH', '/organisation', b);
  }
  /** a venue's own settings; currency null: the organisation's */
  updateVenue(id: string, b: { name?: string; currency?: string | null }) {
    return this.json<Venue>('PATCH', `/venues/${encodeURIComponent(id)}`, b);
  }
  startExport() {
    return this.json<OrganisationExport>('POST', '/organisation/exports');
  }
  exportStatus(id: string) {
    return this.json<OrganisationExport>('GET', `/organisation/exports/${encodeURIComponent(id)}`);
  }
  /** a finished export's file (tar: both documents, the manifest and every stored file), for the browser to save */
  async downloadExport(id: string, format: 'tar' | 'json' | 'csv'): Promise<Blob> {
    return this.blob(`/organisation/exports/${encodeURIComponent(id)}/download?format=${format}`);
  }
  /** the organisation and all its data go after the grace period; confirm is its name typed again */
  scheduleDeletion(confirm: string) {
    return this.json<Organisation>('POST', '/organisation/deletion', { confirm });
  }
  cancelDeletion() {
    return this.json<Organisation>('DELETE', '/organisation/deletion');
  }
  /** the company sign-in settings; undefined when none is set */
  async oidcSettings(): Promise<OidcSettings | undefined> {
    const s = await this.json<OidcSettingsState>('GET', '/organisation/oidc');
    return s.configured ? s : undefined;
  }
  saveOidc(b: OidcSettingsBody) {
    return this.json<OidcSettings>('PUT', '/organisation/oidc', b);
  }
  removeOidc() {
    return this.json<void>('DELETE', '/organisation/oidc');
  }
  refresh(refreshToken: string) {
    return this.json<Session>('POST', '/auth/refresh', { refreshToken });
  }
  logout(refreshToken: string) {
    return this.json<void>('POST', '/auth/logout', { refreshToken });
  }
  venues() {
    return this.json<Venue[]>('GET', '/venues');
  }
  locations(venueId: string) {
    return this.json<Location[]>('GET', `/venues/${venueId}/locations`);
  }
  stock(locationId: string) {
    return this.json<LocationStock>('GET', `/inventory/locations/${locationId}/stock`);
  }
  items(f: { q?: string; category?: string; locationId?: string; cursor?: string; limit?: number } = {}) {
    const qs = new URLSearchParams(Object.entries(f).filter(([, v]) => v !== undefined && v !== '') as [string, string][]);
    return this.json<ItemPage>('GET', `/inventory/items${qs.size ? `?${qs}` : ''}`);
  }
  item(id: string) {
    return this.json<Item>('GET', `/inventory/items/${id}`);
  }
  setStockSettings(id: string, s: Omit<ItemLocation, 'itemId'>) {
    return this.json<Item>('PATCH', `/inventory/items/${id}`, { locations: [s] });
  }
  adjust(id: string, a: Adjustment) {
    return this.json<AdjustResult>('POST', `/inventory/items/${id}/adjust`, a);
  }
  /** moves stock between two locations (from the venue's storage when fromLocationId is left out) */
  transfer(id: string, t: TransferInput) {
    return this.json<TransferResult>('POST', `/inventory/items/${id}/transfer`, t);
  }
  correctSlot(deviceId: string, cameraId: string, slotId: string, c: SlotCorrectionInput) {
    const path = [deviceId, cameraId, slotId].map(encodeURIComponent);
    return this.json<SlotCorrectionResult>('POST', `/devices/${path[0]}/cameras/${path[1]}/slots/${path[2]}/corrections`, c);
  }
  history(id: string, from: Date, to: Date) {
    const qs = new URLSearchParams({ from: from.toISOString(), to: to.toISOString() });
    return this.json<History>('GET', `/inventory/items/${id}/history?${qs}`);
  }
  scan(barcode: string) {
    return this.json<ScanResult>('POST', '/inventory/scan', { barcode, action: 'lookup' });
  }
  devices(venueId?: string) {
    return this.json<Device[]>('GET', `/devices${venueId ? `?venueId=${venueId}` : ''}`);
  }
  device(id: string) {
    return this.json<DeviceWithCameras>('GET', `/devices/${encodeURIComponent(id)}`);
  }
  /** what ingestion refused from this organisation's devices, newest first (owner, technician) */
  deadLetters(f: { deviceId?: string; limit?: number; before?: number } = {}) {
    const qs = new URLSearchParams(Object.entries(f).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]]))).toString();
    return this.json<DeadLetterPage>('GET', `/dead-letters${qs ? `?${qs}` : ''}`);
  }
  /** readAt: the configRevision the cameras were read at; a change saved since is refused (409 stale_revision), not overwritten */
  saveCameras(id: string, cameras: Camera[], readAt?: number) {
    return this.json<DeviceWithCameras>('PUT', `/devices/${encodeURIComponent(id)}/cameras`, { cameras, expectedRevision: readAt });
  }
  changePassword(password: string) {
    return this.json<void>('POST', '/auth/password', { password });
  }
  users() {
    return this.json<User[]>('GET', '/users');
  }
  invite(u: Invite) {
    return this.json<User>('POST', '/users', u);
  }
  setRole(id: string, role: Role) {
    return this.json<User>('PATCH', `/users/${id}`, { role });
  }
  removeUser(id: string) {
    return this.json<void>('DELETE', `/users/${id}`);
  }
  alerts(venueId: string, states?: AlertState[], limit = 100) {
    const qs = new URLSearchParams({ venueId, limit: String(limit) });
    if (states?.length) qs.set('state', states.join(','));
    return this.json<Alert[]>('GET', `/alerts?${qs}`);
  }
  acknowledge(id: string) {
    return this.json<Alert>('POST', `/alerts/${id}/acknowledge`, {});
  }
  resolve(id: string) {
    return this.json<Alert>('POST', `/alerts/${id}/resolve`, {});
  }
  notifications(venueId: string, limit = 50) {
    return this.json<Notification[]>('GET', `/notifications?${new URLSearchParams({ venueId, limit: String(limit) })}`);
  }
  failedNotifications(venueId: string) {
    return this.json<Notification[]>('GET', `/notifications/failed?${new URLSearchParams({ venueId })}`);
  }
  retryNotification(id: string) {
    return this.json<Notification>('POST', `/notifications/${id}/retry`, {});
  }
  notificationSettings() {
    return this.json<NotificationSettings[]>('GET', '/notifications/settings');
  }
  saveNotificationSettings(venueId: string, s: NotificationSettingsInput) {
    return this.json<NotificationSettings>('PUT', `/notifications/settings/${venueId}`, s);
  }
  /** the vision model judged by the corrections people made, per venue and model version, day by day (owner, manager) */
  accuracy(q: { from: string; to: string; venueId?: string }) {
    return this.json<VisionAccuracy>('GET', `/vision/accuracy?${query(q)}`);
  }
  /** the audit trail, newest first (owner) */
  audit(q: { actor?: string; action?: string; entity?: string; from?: string; to?: string; cursor?: string; limit?: number }) {
    return this.json<AuditPage>('GET', `/audit?${query(q)}`);
  }
  /** who hears about alerts at a venue, and whether each channel really sends here (owner, manager) */
  notificationRecipients(venueId: string) {
    return this.json<NotificationRecipients>('GET', `/notifications/recipients?${new URLSearchParams({ venueId })}`);
  }
  sendTestMessage(venueId: string, userId: string, channel: Channel) {
    return this.json<NotificationTestResult>('POST', '/notifications/test', { venueId, userId, channel });
  }
  /** an item's expected daily demand at a location, the next 28 days */
  forecast(itemId: string, locationId: string) {
    return this.json<Forecast>('GET', `/forecast?${query({ item_id: itemId, location_id: locationId })}`);
  }
  /** days of stock left per item and location of a venue */
  stockDays(venueId: string) {
    return this.json<StockDays>('GET', `/forecast/stock-days?${query({ venue_id: venueId })}`);
  }
  /** how well each of the venue's forecasts did in its backtest, beside the two naive guesses, and pooled */
  forecastAccuracy(venueId: string) {
    return this.json<ForecastAccuracy>('GET', `/forecast/accuracy-metrics?${query({ venue_id: venueId })}`);
  }
  forecastCalendar(venueId: string) {
    return this.json<ForecastCalendar>('GET', `/forecast/calendar?${query({ venue_id: venueId })}`);
  }
  saveForecastCalendar(venueId: string, c: ForecastCalendar) {
    return this.json<ForecastCalendar>('PUT', `/forecast/calendar?${query({ venue_id: venueId })}`, c);
  }
  forecastEvents(venueId: string) {
    return this.json<ForecastEvent[]>('GET', `/forecast/events?${query({ venue_id: venueId })}`);
  }
  addForecastEvent(e: { venueId: string; day: string; name: string }) {
    return this.json<ForecastEvent>('POST', '/forecast/events', e);
  }
  removeForecastEvent(id: string) {
    return this.json<void>('DELETE', `/forecast/events/${encodeURIComponent(id)}`);
  }
  /** the venue's POS connections with their health (owner, manager) */
  posConnections() {
    return this.json<PosConnection[]>('GET', '/pos/connections');
  }
  createPosConnection(c: PosConnectionInput) {
    return this.json<PosConnection>('POST', '/pos/connections', c);
  }
  updatePosConnection(id: string, c: PosConnectionInput) {
    return this.json<PosConnection>('PATCH', `/pos/connections/${encodeURIComponent(id)}`, c);
  }
  /** what the venue sold by POS menu item over a period */
  posSales(q: { venueId: string; from: string; to: string }) {
    return this.json<MenuSales>('GET', `/pos/sales?${query(q)}`);
  }
  posUnmapped(venueId: string) {
    return this.json<UnmappedEntry[]>('GET', `/pos/unmapped?${query({ venueId })}`);
  }
  posCoverage(q: { venueId: string; from: string; to: string }) {
    return this.json<SalesCoverage>('GET', `/pos/coverage?${query(q)}`);
  }
  recipes(venueId: string) {
    return this.json<Recipe[]>('GET', `/recipes?${query({ venueId })}`);
  }
  saveRecipe(r: RecipeInput) {
    return this.json<Recipe>('PUT', '/recipes', r);
  }
  deleteRecipe(id: string) {
    return this.json<void>('DELETE', `/recipes/${encodeURIComponent(id)}`);
  }
  /** opening + received − sold − waste − closing per item and location, with the anomalies behind it */
  variance(q: { venueId: string; from: string; to: string }) {
    return this.json<VarianceReport>('GET', `/reports/variance?${query({ venue_id: q.venueId, from: q.from, to: q.to })}`);
  }
  /** the variance report or the KPIs as a CSV or PDF file */
  async reportFile(report: 'variance' | 'kpis', format: 'csv' | 'pdf', q: { venueId: string; from: string; to: string }): Promise<Blob> {
    const qs = query({ venue_id: q.venueId, from: q.from, to: q.to, format });
    return this.blob(`/reports/${report}?${qs}`);
  }
  kpis(q: { venueId: string; from?: string; to?: string }) {
    return this.json<KpiReport>('GET', `/reports/kpis?${query({ venue_id: q.venueId, from: q.from, to: q.to })}`);
  }
  async snapshot(id: string, cameraId: string): Promise<Blob> {
    return (await this.raw('POST', `/devices/${encodeURIComponent(id)}/snapshot`, { cameraId })).blob();
  }
}

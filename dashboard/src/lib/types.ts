// Shapes of the Cloud API's answers and requests, derived from its contract (@smartstock/api):
// Wire<typeof schema> is what the browser parses from JSON. Type-only imports, so
// none of zod reaches the bundle; a change to a schema shows up here.
import type * as api from '@smartstock/api';
import type { Wire } from '@smartstock/api';

export type { AdjustKind, LiveMessage, Role } from '@smartstock/api';

export type User = Wire<typeof api.member>;
export type Session = Wire<typeof api.session>;
export type Organisation = Wire<typeof api.organisation>;
export type OrganisationExport = Wire<typeof api.organisationExport>;
export type OidcSettings = Wire<typeof api.oidcSettings>;
export type OidcSettingsState = Wire<typeof api.oidcSettingsState>;
export type OidcSettingsBody = Wire<typeof api.oidcSettingsBody>;
export type Invitation = Wire<typeof api.invitation>;
export type InvitationCreated = Wire<typeof api.invitationCreated>;
export type InvitationPreview = Wire<typeof api.invitationPreview>;
export type Signup = Wire<typeof api.signupBody>;
export type Venue = Wire<typeof api.venue>;
export type Location = Wire<typeof api.location>;
export type ItemLocation = Wire<typeof api.itemLocation>;
export type Item = Wire<typeof api.item>;
export type ItemPage = Wire<typeof api.itemPage>;
export type StockLevel = Wire<typeof api.stockLevel>;
export type StockStatus = StockLevel['status'];
export type LocationStock = Wire<typeof api.locationStock>;
export type AdjustResult = Wire<typeof api.adjustment>;
export type TransferResult = Wire<typeof api.transferResult>;
export type ScanResult = Wire<typeof api.scanResult>;
export type History = Wire<typeof api.itemHistory>;
export type Slot = Wire<typeof api.slot>;
export type Camera = Wire<typeof api.camera>;
/** A device as listed; one read alone (or just configured) carries its cameras too. */
export type Device = Wire<typeof api.device> & { cameras?: Camera[] };
export type DeviceWithCameras = Wire<typeof api.deviceWithCameras>;
export type DeadLetter = Wire<typeof api.deadLetter>;
export type DeadLetterPage = Wire<typeof api.deadLetterPage>;
/** One slot as the live socket reports it. */
export type SlotObservation = Wire<typeof api.slotObservation>;
/** An alert as both the list and the live socket show it (the list adds the rule's details, unused here). */
export type Alert = Wire<typeof api.alertView>;
export type AlertRule = Alert['rule'];
export type AlertState = Alert['state'];
export type Notification = Wire<typeof api.notification>;
export type Channel = Notification['channel'];
export type NotificationSettings = Wire<typeof api.notificationSettings>;
export type NotificationRecipients = Wire<typeof api.notificationRecipients>;
export type NotificationTestResult = Wire<typeof api.notificationTestResult>;
export type SlotCorrectionResult = Wire<typeof api.correctionResult>;

// What the dashboard sends: the request bodies the cloud validates with. Wire is
// z.input, the JSON before the cloud's defaults apply, so it serves both directions.
export type Adjustment = Wire<typeof api.adjustBody>;
export type TransferInput = Wire<typeof api.transferBody>;
export type NotificationSettingsInput = Wire<typeof api.notificationSettingsBody>;
export type SlotCorrectionInput = Wire<typeof api.slotCorrectionBody>;
export type Invite = Wire<typeof api.inviteBody>;
/** The body of every 4xx and 5xx answer; a proxy's page may carry none of it. */
export type ErrorBody = { error?: Partial<Wire<typeof api.errorBody>['error']> };
export type VisionAccuracy = Wire<typeof api.visionAccuracy>;
export type AccuracySeries = Wire<typeof api.accuracySeries>;
export type AuditPage = Wire<typeof api.auditPage>;
export type AuditEntry = Wire<typeof api.auditEntry>;
export type Forecast = Wire<typeof api.forecastView>;
export type StockDays = Wire<typeof api.stockDaysView>;
export type ForecastAccuracy = Wire<typeof api.forecastAccuracyMetrics>;
export type ForecastScore = Wire<typeof api.forecastScore>;
export type ForecastCalendar = Wire<typeof api.forecastCalendar>;
export type ForecastEvent = Wire<typeof api.forecastEvent>;

// Point of sale, recipes and variance
export type PosConnection = Wire<typeof api.posConnection>;
export type PosProvider = PosConnection['provider'];
export type MenuSales = Wire<typeof api.menuSales>;
export type UnmappedEntry = Wire<typeof api.unmappedEntry>;
export type SalesCoverage = Wire<typeof api.salesCoverage>;
export type Recipe = Wire<typeof api.recipe>;
export type VarianceReport = Wire<typeof api.varianceReport>;
export type VarianceLine = VarianceReport['lines'][number];
export type VarianceAnomaly = VarianceReport['anomalies'][number];
export type KpiReport = Wire<typeof api.kpiReport>;
/** what a connection is given when created or edited; secrets left out keep the stored ones */
export interface PosConnectionInput {
  provider?: PosProvider;
  venueId?: string;
  name?: string;
  locationId?: string;
  providerLocationId?: string;
  credentials?: { accessToken?: string; clientId?: string; clientSecret?: string };
  webhookSignatureKey?: string;
}
export interface RecipeInput {
  venueId: string;
  kind: Recipe['kind'];
  posKey: string;
  name: string;
  multiplier?: number;
  components: { itemId: string; quantity: number; unit: 'ml' | 'oz' }[];
}

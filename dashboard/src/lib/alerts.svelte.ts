// The venue's alerts: open ones first. Live 'alert' messages patch the list, so a
// low-stock alert appears (and an acknowledged one moves) without a reload.
import type { Api } from './api';
import type { Alert, LiveMessage } from './types';

const OPEN = new Set(['raised', 'escalated']);
const rank = (a: Alert) => (OPEN.has(a.state) ? 0 : a.state === 'acknowledged' ? 1 : 2);
const severityRank = { critical: 0, warning: 1, info: 2 } as const;

export class AlertsState {
  list = $state<Alert[]>([]);
  loaded = $state(false);

  constructor(private readonly api: Api) {}

  get open(): Alert[] {
    return this.list.filter((a) => OPEN.has(a.state));
  }

  /** open first (critical before warning), then acknowledged, then the recently resolved; newest first within each */
  get sorted(): Alert[] {
    return [...this.list].sort(
      (a, b) => rank(a) - rank(b) || severityRank[a.severity] - severityRank[b.severity] || b.raisedAt.localeCompare(a.raisedAt),
    );
  }

  async load(venueId: string): Promise<void> {
    this.list = await this.api.alerts(venueId);
    this.loaded = true;
  }

  async acknowledge(id: string): Promise<void> {
    this.put(await this.api.acknowledge(id));
  }

  async resolve(id: string): Promise<void> {
    this.put(await this.api.resolve(id));
  }

  apply(m: LiveMessage): void {
    if (m.type === 'alert') this.put(m.data);
  }

  private put(a: Alert): void {
    const i = this.list.findIndex((x) => x.id === a.id);
    if (i >= 0) this.list[i] = a;
    else this.list.unshift(a);
  }
}

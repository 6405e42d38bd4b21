import type { Logger } from '@smartstock/runtime';
import type { EventBus } from '../bus.js';
import type { Metrics } from '../health/metrics.js';
import type { Outbox } from './outbox.js';

export interface StoreDeps {
  outbox: Outbox;
  bus: EventBus;
  metrics: Metrics;
  log: Logger;
}

const OWNER = 'store';

/**
 * Observations → the SQLite outbox. Each batch is committed before `stored` is
 * emitted, so the uplink only ever sends what would survive a crash. The outbox
 * itself stays open after stop(): the uplink still drains it and the agent
 * closes it last.
 */
export class Store {
  constructor(private readonly deps: StoreDeps) {}

  start(): void {
    this.setGauges(); // a depth left by the last run shows on /metrics before anything new arrives
    this.deps.bus.on('observations', OWNER, (obs) => {
      const dropped = this.deps.outbox.append(obs);
      this.deps.metrics.observationsStored.inc(obs.length);
      this.setGauges();
      if (dropped)
        this.deps.log.warn({ dropped, droppedRows: this.deps.outbox.droppedRows }, 'disk cap reached: oldest observations dropped');
      this.deps.bus.emit('stored', { rows: obs.length });
    });
  }

  stop(): void {
    this.deps.bus.removeListeners(OWNER);
  }

  private setGauges(): void {
    this.deps.metrics.outboxDepth.set(this.deps.outbox.depth);
    this.deps.metrics.outboxDropped.set(this.deps.outbox.droppedRows);
  }
}

// The command bar's state: the phrase, what the parser made of it, the person's
// picks when a name was ambiguous, and running the call once confirmed.
import type { Api } from './api';
import { parseCommand, type Command, type CommandItem, type Picks } from '../commands/parse';
import type { VenueState } from './venue.svelte';
import type { StockLevel } from './types';
import { CatalogueApi } from './catalogue';
import { OrderingApi } from './ordering';
import { invoicePhrase, type InvoiceWaiting } from '../commands/invoice';
import { normalize } from '../commands/normalize';
import { quantityOf } from '@smartstock/api/quantity';

export class CommandState {
  text = $state('');
  result = $state<Command | undefined>();
  answer = $state<StockLevel[] | undefined>();
  busy = $state(false);
  private picks: Picks = {};
  private items: CommandItem[] | undefined;
  private readonly catalogueApi: CatalogueApi;

  constructor(
    private readonly api: Api,
    private readonly venue: VenueState,
  ) {
    this.catalogueApi = new CatalogueApi(api);
  }

  private async catalogue(): Promise<CommandItem[]> {
    this.items ??= (await this.api.items({ limit: 500 })).items.map((i) => ({
      id: i.id,
      name: i.name,
      aliases: [i.sku],
      bottleSizeMl: i.bottleSizeMl,
      unit: i.unit,
    }));
    return this.items;
  }

  async parse(): Promise<void> {
    this.picks = {};
    this.answer = undefined;
    await this.reparse();
  }

  async pick(what: 'item' | 'location' | 'from', id: string): Promise<void> {
    if (what === 'item') this.picks.itemId = id;
    else if (what === 'from') this.picks.fromLocationId = id;
    else this.picks.locationId = id;
    await this.reparse();
  }

  private async reparse(): Promise<void> {
    const items = await this.catalogue();
    // invoices are asked for only when the phrase speaks of one: they change as they are approved
    const venueId = this.venue.venueId;
    let invoices: InvoiceWaiting[] = [];
    if (venueId && invoicePhrase(normalize(this.text)))
      invoices = (await new OrderingApi(this.api).invoices(venueId)).filter((i) => i.status === 'review');
    const bar = this.venue.locations.find((l) => l.type === 'bar') ?? this.venue.locations[0];
    this.result = parseCommand(
      this.text,
      {
        items,
        locations: this.venue.locations,
        defaultLocationId: bar?.id,
        invoices,
        ...(this.venue.venueId ? { venueId: this.venue.venueId } : {}),
      },
      this.picks,
    );
    if (this.result.kind === 'query') {
      const itemId = this.result.item.id;
      const at = this.result.location?.id;
      this.answer = this.venue.levelsOf(itemId).filter((l) => !at || l.locationId === at);
    }
  }

  /** runs a confirmed command; returns what to tell the person (the cloud's figures after it) */
  async run(): Promise<string | undefined> {
    const r = this.result;
    if (r?.kind !== 'adjust' && r?.kind !== 'transfer' && r?.kind !== 'order') return undefined;
    this.busy = true;
    try {
      const said = await this.send(r);
      this.clear();
      return said;
    } finally {
      this.busy = false;
    }
  }

  private async send(r: Extract<Command, { kind: 'adjust' | 'transfer' | 'order' }>): Promise<string> {
    // an order's item is only named; the others say their unit
    const unit = 'unit' in r.item ? r.item.unit : undefined;
    const n = (x: number) => quantityOf(x, unit);
    if (r.kind === 'transfer') {
      const { from, to } = await this.catalogueApi.transfer(r.item.id, r.call.body);
      this.venue.setLevel(from);
      this.venue.setLevel(to);
      return `${r.item.name}: ${n(from.level)} at ${r.from.name}, ${n(to.level)} at ${r.to.name}`;
    }
    if (r.kind === 'order') {
      const a = await this.catalogueApi.addToDraft(r.call.body);
      const line = a.order.lines.find((l) => l.itemId === r.item.id);
      return `${r.item.name}: ${line?.cases ?? a.cases} ${line?.cases === 1 ? 'case' : 'cases'} on draft order ${a.order.number} for ${a.supplierName}`;
    }
    if (r.call.method !== 'POST') return '';
    const { stock } = await this.api.adjust(r.item.id, r.call.body);
    this.venue.setLevel(stock);
    return `${stock.name}: now ${n(stock.level)}`;
  }

  clear(): void {
    this.text = '';
    this.result = undefined;
    this.answer = undefined;
    this.picks = {};
  }
}

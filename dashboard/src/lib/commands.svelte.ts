// The command bar's state: the phrase, what the parser made of it, the person's
// picks when a name was ambiguous, and running the call once confirmed.
import type { Api } from './api';
import { parseCommand, type Command, type CommandItem, type Picks } from '../commands/parse';
import type { VenueState } from './venue.svelte';
import type { StockLevel } from './types';

export class CommandState {
  text = $state('');
  result = $state<Command | undefined>();
  answer = $state<StockLevel[] | undefined>();
  busy = $state(false);
  private picks: Picks = {};
  private items: CommandItem[] | undefined;

  constructor(
    private readonly api: Api,
    private readonly venue: VenueState,
  ) {}

  private async catalogue(): Promise<CommandItem[]> {
    this.items ??= (await this.api.items({ limit: 500 })).items.map((i) => ({
      id: i.id,
      name: i.name,
      aliases: [i.sku],
      bottleSizeMl: i.bottleSizeMl,
    }));
    return this.items;
  }

  async parse(): Promise<void> {
    this.picks = {};
    this.answer = undefined;
    await this.reparse();
  }

  async pick(what: 'item' | 'location', id: string): Promise<void> {
    if (what === 'item') this.picks.itemId = id;
    else this.picks.locationId = id;
    await this.reparse();
  }

  private async reparse(): Promise<void> {
    const items = await this.catalogue();
    const bar = this.venue.locations.find((l) => l.type === 'bar') ?? this.venue.locations[0];
    this.result = parseCommand(this.text, { items, locations: this.venue.locations, defaultLocationId: bar?.id }, this.picks);
    if (this.result.kind === 'query') {
      const itemId = this.result.item.id;
      const at = this.result.location?.id;
      this.answer = this.venue.levelsOf(itemId).filter((l) => !at || l.locationId === at);
    }
  }

  /** runs a confirmed adjustment; returns what the cloud says the level is now */
  async run(): Promise<StockLevel | undefined> {
    const r = this.result;
    if (r?.kind !== 'adjust' || r.call.method !== 'POST') return undefined;
    this.busy = true;
    try {
      const { stock } = await this.api.adjust(r.item.id, r.call.body);
      this.venue.setLevel(stock);
      this.clear();
      return stock;
    } finally {
      this.busy = false;
    }
  }

  clear(): void {
    this.text = '';
    this.result = undefined;
    this.answer = undefined;
    this.picks = {};
  }
}

import type { Db, Queryable } from '../db/types.js';
import { itemRecords } from '../inventory/index.js';
import { venueRecords } from '../venues/index.js';
import { auditLog } from '../audit/index.js';
import type { Actor } from '../plugins/http.js';
import { badRequest, notFound } from '../errors.js';
import { RecipeRepository, type Recipe, type RecipeKind } from './recipe.repository.js';

export const ML_PER_OZ = 29.5735;

export interface RecipeRequest {
  venueId: string;
  kind: RecipeKind;
  posKey: string;
  name: string;
  multiplier?: number | undefined;
  components: { itemId: string; quantity: number; unit: 'ml' | 'oz' }[];
}

/** A sale line as recipes see it: its menu item and modifiers by their POS keys. */
export interface MenuLine {
  menuKey: string;
  menuName: string;
  modifiers: { key: string; name: string }[];
}
export type Resolution =
  { mapped: true; perUnit: Record<string, number> } | { mapped: false; missing: { kind: RecipeKind; key: string; name: string }[] };

/**
 * One unit of a line in millilitres: the item's recipe, scaled by its modifiers' multipliers,
 * plus what the modifiers add. Mapped only when the item and every modifier have a recipe
 * (a modifier that pours nothing, "no ice", is mapped with no components).
 */
export async function resolveLine(q: Queryable, orgId: string, venueId: string, line: MenuLine): Promise<Resolution> {
  return (await resolveLines(q, orgId, venueId, [line]))[0]!;
}

/** resolveLine for several lines (a POS order's) with one read of the recipes; in the lines' order. */
export async function resolveLines(q: Queryable, orgId: string, venueId: string, lines: MenuLine[]): Promise<Resolution[]> {
  const recipes = await new RecipeRepository(q).forMenu(
    orgId,
    venueId,
    [...new Set(lines.map((l) => l.menuKey))],
    [...new Set(lines.flatMap((l) => l.modifiers.map((m) => m.key)))],
  );
  const items = new Map(recipes.filter((recipe) => recipe.kind === 'item').map((recipe) => [recipe.posKey, recipe]));
  const modByKey = new Map(recipes.filter((recipe) => recipe.kind === 'modifier').map((recipe) => [recipe.posKey, recipe]));
  return lines.map((line): Resolution => {
    const item = items.get(line.menuKey);
    const missing = [
      ...(item ? [] : [{ kind: 'item' as const, key: line.menuKey, name: line.menuName }]),
      // a modifier named twice (Square's "extra": quantity 2) is missing once
      ...[...new Map(line.modifiers.filter((m) => !modByKey.has(m.key)).map((m) => [m.key, m])).values()].map((m) => ({
        kind: 'modifier' as const,
        key: m.key,
        name: m.name,
      })),
    ];
    if (!item || missing.length) return { mapped: false, missing };
    const applied = line.modifiers.map((m) => modByKey.get(m.key)!);
    const scale = applied.reduce((s, m) => s * m.multiplier, 1);
    const perUnit: Record<string, number> = {};
    for (const c of item.components) perUnit[c.itemId] = (perUnit[c.itemId] ?? 0) + c.ml * scale;
    for (const m of applied) for (const c of m.components) perUnit[c.itemId] = (perUnit[c.itemId] ?? 0) + c.ml;
    return { mapped: true, perUnit };
  });
}

/** Recipes and their editor's rules; tells whoever listens when one is saved (waiting sales then apply). */
export class RecipeService {
  private readonly listeners: ((orgId: string, venueId: string) => Promise<void>)[] = [];
  constructor(private readonly db: Db) {}

  onSaved(fn: (orgId: string, venueId: string) => Promise<void>): void {
    this.listeners.push(fn);
  }

  async list(orgId: string, venueId: string): Promise<Recipe[]> {
    if (!(await venueRecords(this.db).getVenue(orgId, venueId))) throw notFound('venue');
    return new RecipeRepository(this.db).list(orgId, venueId);
  }

  async save(a: Actor, request: RecipeRequest): Promise<Recipe> {
    const saved = await this.db.transaction(async (tx) => {
      if (!(await venueRecords(tx).getVenue(a.orgId, request.venueId))) throw notFound('venue');
      const items = itemRecords(tx);
      const components: Recipe['components'] = [];
      for (const [i, c] of request.components.entries()) {
        const item = await items.get(a.orgId, c.itemId);
        if (!item) throw notFound(`item ${c.itemId}`);
        // the ledger counts bottles: a pour converts only with the bottle's size
        if (!item.bottleSizeMl)
          throw badRequest(`${item.name} has no bottle size; set it before pouring it in a recipe`, `components.${i}.itemId`);
        components.push({ itemId: c.itemId, ml: Math.round((c.unit === 'oz' ? c.quantity * ML_PER_OZ : c.quantity) * 100) / 100 });
      }
      const recipe = await new RecipeRepository(tx).upsert(a.orgId, {
        venueId: request.venueId,
        kind: request.kind,
        posKey: request.posKey,
        name: request.name,
        multiplier: request.multiplier ?? 1,
        components,
      });
      await auditLog(tx).record(a.orgId, { userId: a.userId, action: 'save', entity: 'recipe', entityId: recipe.id });
      return recipe;
    });
    for (const fn of this.listeners) await fn(a.orgId, request.venueId);
    return saved;
  }

  async delete(a: Actor, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (!(await new RecipeRepository(tx).delete(a.orgId, id))) throw notFound('recipe');
      await auditLog(tx).record(a.orgId, { userId: a.userId, action: 'delete', entity: 'recipe', entityId: id });
    });
  }
}

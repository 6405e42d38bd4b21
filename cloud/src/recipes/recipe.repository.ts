import type { Queryable } from '../db/types.js';

export type RecipeKind = 'item' | 'modifier';
export interface Recipe {
  id: string;
  venueId: string;
  kind: RecipeKind;
  posKey: string;
  name: string;
  multiplier: number;
  components: { itemId: string; ml: number }[];
  updatedAt: Date;
}
export type RecipeInput = Omit<Recipe, 'id' | 'updatedAt'>;

const COLS = `id, venue_id AS "venueId", kind, pos_key AS "posKey", name, multiplier::float8 AS multiplier, components, updated_at AS "updatedAt"`;

/** Recipes: a POS menu item or modifier of a venue → millilitres of items. */
export class RecipeRepository {
  constructor(private readonly db: Queryable) {}

  async upsert(orgId: string, recipe: RecipeInput): Promise<Recipe> {
    const { rows } = await this.db.query<Recipe>(
      `INSERT INTO recipes (org_id, venue_id, kind, pos_key, name, multiplier, components) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (org_id, venue_id, kind, pos_key) DO UPDATE SET name = $5, multiplier = $6, components = $7, updated_at = now()
       RETURNING ${COLS}`,
      [orgId, recipe.venueId, recipe.kind, recipe.posKey, recipe.name, recipe.multiplier, JSON.stringify(recipe.components)],
    );
    return rows[0]!;
  }

  async list(orgId: string, venueId: string): Promise<Recipe[]> {
    const { rows } = await this.db.query<Recipe>(`SELECT ${COLS} FROM recipes WHERE org_id = $1 AND venue_id = $2 ORDER BY kind, name`, [
      orgId,
      venueId,
    ]);
    return rows;
  }

  async get(orgId: string, id: string): Promise<Recipe | undefined> {
    const { rows } = await this.db.query<Recipe>(`SELECT ${COLS} FROM recipes WHERE org_id = $1 AND id = $2`, [orgId, id]);
    return rows[0];
  }

  async delete(orgId: string, id: string): Promise<boolean> {
    const { rowCount } = await this.db.query(`DELETE FROM recipes WHERE org_id = $1 AND id = $2`, [orgId, id]);
    return rowCount === 1;
  }

  /** The recipes of these keys at the venue. */
  /** The item recipes and the modifier recipes of these keys, in one statement (a whole POS order's lines). */
  async forMenu(orgId: string, venueId: string, itemKeys: string[], modifierKeys: string[]): Promise<Recipe[]> {
    if (!itemKeys.length && !modifierKeys.length) return [];
    const { rows } = await this.db.query<Recipe>(
      `SELECT ${COLS} FROM recipes WHERE org_id = $1 AND venue_id = $2
         AND ((kind = 'item' AND pos_key = ANY($3::text[])) OR (kind = 'modifier' AND pos_key = ANY($4::text[])))`,
      [orgId, venueId, itemKeys, modifierKeys],
    );
    return rows;
  }

  async byKeys(orgId: string, venueId: string, kind: RecipeKind, keys: string[]): Promise<Recipe[]> {
    if (!keys.length) return [];
    const { rows } = await this.db.query<Recipe>(
      `SELECT ${COLS} FROM recipes WHERE org_id = $1 AND venue_id = $2 AND kind = $3 AND pos_key = ANY($4::text[])`,
      [orgId, venueId, kind, keys],
    );
    return rows;
  }
}

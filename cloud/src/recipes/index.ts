import type { FastifyInstance } from 'fastify';
import type { RecipeService } from './recipe.service.js';
import recipeRoutes from './routes.js';

export { RecipeService, resolveLine, resolveLines, ML_PER_OZ, type MenuLine, type Resolution } from './recipe.service.js';
export type { Recipe } from './recipe.repository.js';

/** /recipes: POS menu items and modifiers → millilitres of items. */
export async function recipesModule(app: FastifyInstance, options: { recipes: RecipeService }): Promise<void> {
  await app.register(recipeRoutes, options);
}

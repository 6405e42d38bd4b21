import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RECIPE_KINDS, noContent, recipe } from '@smartstock/api';
import type { App } from '../plugins/http.js';
import { actor, idParam } from '../plugins/http.js';
import type { RecipeService } from './recipe.service.js';

const manage = ['owner', 'manager'] as const;
const recipeBody = z.object({
  venueId: z.uuid(),
  kind: z.enum(RECIPE_KINDS),
  posKey: z.string().min(1).max(200).describe("the POS's id of the menu item or modifier, as the unmapped queue shows it"),
  name: z.string().min(1).max(200),
  multiplier: z.number().min(0).max(100).optional().describe('modifiers: scales the drink ("double": 2)'),
  components: z
    .array(z.object({ itemId: z.uuid(), quantity: z.number().positive().max(10_000), unit: z.enum(['ml', 'oz']).default('ml') }))
    .max(30),
});

/** /api/v1/recipes: what each menu item and modifier pours. */
export default async function recipeRoutes(app: App, options: { recipes: RecipeService }) {
  const typedApp = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['recipes'];
  typedApp.get(
    '/recipes',
    { onRequest: app.authorize(), schema: { tags, querystring: z.object({ venueId: z.uuid() }), response: { 200: z.array(recipe) } } },
    (req) => options.recipes.list(actor(req).orgId, req.query.venueId),
  );
  typedApp.put(
    '/recipes',
    {
      onRequest: app.authorize(...manage),
      schema: {
        tags,
        summary: 'Create or replace the recipe of a menu item or modifier; waiting sales of it apply',
        body: recipeBody,
        response: { 200: recipe },
      },
    },
    (req) => options.recipes.save(actor(req), req.body),
  );
  typedApp.delete(
    '/recipes/:id',
    { onRequest: app.authorize(...manage), schema: { tags, params: idParam, response: { 204: noContent } } },
    async (req, reply) => {
      await options.recipes.delete(actor(req), req.params.id);
      return reply.code(204).send();
    },
  );
}

import type { FastifyInstance } from 'fastify';
import type { OrderService } from './order.service.js';
import type { SuggestionService } from './suggestion.service.js';
import orderRoutes from './routes.js';

export { OrderService, type OrderDeps } from './order.service.js';
export { SuggestionService, type SuggestionDeps } from './suggestion.service.js';
export type { Demand, DemandSource } from './demand.js';
export { orderInMessage, type AlertOrder } from './alert-draft.js';

/** /orders: suggestions per supplier and purchase orders from draft to received. */
export async function ordersModule(app: FastifyInstance, options: { orders: OrderService; suggestions: SuggestionService }): Promise<void> {
  await app.register(orderRoutes, options);
}

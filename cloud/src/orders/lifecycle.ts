import type { ORDER_STATES } from '@smartstock/api';
import { conflict } from '../errors.js';

export type OrderState = (typeof ORDER_STATES)[number];

/** Where an order may go from each state; receiving may repeat while lines are outstanding. */
const NEXT: Record<OrderState, readonly OrderState[]> = {
  draft: ['approved', 'cancelled'],
  approved: ['sent', 'cancelled'],
  sent: ['partly_received', 'received', 'cancelled'],
  partly_received: ['partly_received', 'received'],
  received: [],
  cancelled: [],
};

export const canMove = (from: OrderState, to: OrderState) => NEXT[from].includes(to);

/** 409 naming both states and where the order could go instead. */
export function assertMove(action: string, from: OrderState, to: OrderState | readonly OrderState[]): void {
  const targets = Array.isArray(to) ? to : [to as OrderState];
  if (targets.some((t) => canMove(from, t))) return;
  const allowed = NEXT[from];
  throw conflict(
    `cannot ${action} an order that is ${from}: ${from} → ${targets.join(' or ')} is not allowed` +
      (allowed.length ? ` (from ${from} it can become ${allowed.filter((state) => state !== from).join(' or ')})` : ` (${from} is final)`),
    'status',
  );
}

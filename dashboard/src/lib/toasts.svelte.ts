// One place that turns any failure into a message the person can act on.
import { ApiError } from './api';

export interface Toast {
  id: number;
  kind: 'error' | 'info' | 'success';
  text: string;
}

class Toasts {
  list = $state<Toast[]>([]);
  private next = 1;

  show(text: string, kind: Toast['kind'] = 'info', ms = 5000): void {
    const id = this.next++;
    this.list.push({ id, kind, text });
    setTimeout(() => this.dismiss(id), ms);
  }
  dismiss(id: number): void {
    this.list = this.list.filter((t) => t.id !== id);
  }
}

export const toasts = new Toasts();

export function describeError(e: unknown): string {
  if (e instanceof ApiError) return e.field ? `${e.message} (${e.field})` : e.message;
  if (e instanceof Error) return e.message;
  return 'Something went wrong';
}

export function handleError(e: unknown, context?: string): void {
  const text = describeError(e);
  toasts.show(context ? `${context}: ${text}` : text, 'error', 8000);
}

import type { Invoice } from './ordering';

export const INVOICE_WORDS: Record<Invoice['status'], string> = {
  processing: 'Reading',
  review: 'To review',
  approving: 'Approving',
  approved: 'Approved',
  failed: 'Could not read',
};

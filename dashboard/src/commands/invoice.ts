// "received the Southern invoice": opens the review of that supplier's invoice waiting for it.
import { match, type Named } from './match';

export interface InvoiceWaiting {
  id: string;
  supplierName: string | null;
  /** newest first: the one opened when a supplier has two waiting */
  createdAt: string;
}
export interface InvoiceCommand {
  kind: 'invoice';
  invoiceId: string;
  summary: string;
}
type Refusal = { kind: 'error'; message: string } | { kind: 'choose'; what: 'item'; query: string; candidates: Named[]; summary: string };

/** the phrase's supplier words, when it speaks of an invoice: "received the southern invoice", "open the invoice from southern" */
const INVOICE =
  /^(?:we )?(?:just )?(?:received|got|receive|open|review|check|approve|show)(?: me)? (?:the |an |a |our )?(?:(.+?) invoice|invoice (?:from|of) (.+?))\s*$/;

export function invoicePhrase(text: string): string | undefined {
  const m = INVOICE.exec(text.trim());
  return m ? (m[1] ?? m[2])?.trim() : undefined;
}

/** `waiting`: the venue's invoices in review. A supplier named by part of its name ("Southern") is enough. */
export function parseInvoice(supplierWords: string, waiting: readonly InvoiceWaiting[], pickedId?: string): InvoiceCommand | Refusal {
  const open = (i: InvoiceWaiting): InvoiceCommand => ({
    kind: 'invoice',
    invoiceId: i.id,
    summary: `Open the ${i.supplierName ?? 'unrecognised'} invoice for review`,
  });
  const picked = pickedId && waiting.find((i) => i.id === pickedId);
  if (picked) return open(picked);
  const suppliers: Named[] = [...new Set(waiting.map((i) => i.supplierName).filter((n): n is string => !!n))].map((n) => ({
    id: n,
    name: n,
  }));
  const m = match(supplierWords, suppliers);
  if (m.kind === 'none')
    return {
      kind: 'error',
      message: `No invoice from "${supplierWords}" is waiting for review: upload it on the Invoices page (a photo or the PDF).`,
    };
  if (m.kind === 'ambiguous') {
    const newest = m.candidates.map((c) => newestOf(waiting, c.name)!);
    return {
      kind: 'choose',
      what: 'item',
      query: supplierWords,
      candidates: newest.map((i) => ({ id: i.id, name: i.supplierName! })),
      summary: 'Which invoice?',
    };
  }
  return open(newestOf(waiting, m.value.name)!);
}

const newestOf = (waiting: readonly InvoiceWaiting[], supplier: string) =>
  waiting.filter((i) => i.supplierName === supplier).sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];

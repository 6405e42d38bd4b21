import { AppError } from '../errors.js';
import { blobKey, type BlobStore } from '../blobs/index.js';
import { orderNumber } from './document.js';

/**
 * The PDF an order was sent as, kept in object storage under the order. Kept before it is
 * mailed, so an order is never sent as a PDF the cloud cannot show again.
 */
export class KeptPdfs {
  constructor(private readonly blobs: BlobStore | undefined) {}

  /** Its key, or undefined where no store is configured; throws BlobStoreUnavailable (nothing kept). */
  async keep(orgId: string, orderId: string, pdf: Buffer): Promise<string | undefined> {
    if (!this.blobs) return undefined;
    const key = blobKey(orgId, 'purchase-order', [orderId], 'pdf', orderNumber(orderId));
    await this.blobs.put(key, pdf, 'application/pdf');
    return key;
  }

  /** The mail was not sent: the PDF is not kept either. */
  async drop(key: string | undefined): Promise<void> {
    if (key) await this.blobs?.delete(key).catch(() => undefined);
  }

  /** key: the order's pdf_key (null: not sent yet). */
  async open(orderId: string, key: string | null) {
    if (key === null || !this.blobs) throw new AppError(404, 'no_pdf', 'this order has not been sent, so no PDF is kept');
    const got = await this.blobs.get(key);
    if (!got) throw new AppError(404, 'no_pdf', 'the PDF of this order is no longer in object storage');
    return { ...got, filename: `${orderNumber(orderId)}.pdf` };
  }
}

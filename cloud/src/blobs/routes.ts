import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { binary, noContent } from '@smartstock/api';
import type { App } from '../plugins/http.js';
import { actor } from '../plugins/http.js';
import { AppError, forbidden, notFound } from '../errors.js';
import type { Role } from '../plugins/principal.js';
import { parseKey, type BlobKind } from './keys.js';
import type { BlobStore } from './store.js';

/** Who may read each kind: the roles that may use the feature it comes from. */
const READERS: Record<BlobKind, readonly Role[]> = {
  snapshot: ['owner', 'manager', 'technician'],
  photo: ['owner', 'manager', 'technician', 'bartender'],
  crop: ['owner', 'manager', 'technician', 'bartender'],
  invoice: ['owner', 'manager'],
  'purchase-order': ['owner', 'manager'],
};

export interface BlobsModuleOptions {
  blobs: BlobStore;
  /** > 0: S3 answers a redirect to a URL signed for this long instead of streaming */
  signedUrlSeconds: number;
}

/** GET /blobs/<key>: a blob of the caller's organisation, streamed (or a short-lived signed URL on S3). */
export default async function blobRoutes(app: App, options: BlobsModuleOptions) {
  const typedApp = app.withTypeProvider<ZodTypeProvider>();
  typedApp.get(
    '/blobs/*',
    {
      onRequest: app.authorize(),
      schema: {
        tags: ['blobs'],
        summary: 'A stored file by its key (org/<orgId>/<kind>/…): streamed, or 302 to a short-lived signed URL on S3',
        params: z.object({ '*': z.string().max(1024) }),
        response: {
          200: { content: { 'application/octet-stream': { schema: binary } } },
          302: noContent,
        },
      },
    },
    async (req, reply) => {
      const a = actor(req);
      const key = parseKey(req.params['*']);
      if (!key) throw new AppError(400, 'bad_request', 'not a blob key: expected org/<orgId>/<kind>/…/<name>.<jpg|png|pdf|csv>', 'key');
      // another organisation's key is answered exactly as a missing one: its existence is not said
      if (key.orgId !== a.orgId) throw notFound('blob');
      if (!READERS[key.kind].includes(req.user.role)) throw forbidden(`your role may not read ${key.kind} files`);
      if (options.signedUrlSeconds > 0) {
        const url = await options.blobs.signedUrl(key.key, options.signedUrlSeconds);
        if (url) return reply.code(302).header('location', url).header('cache-control', 'no-store').send(undefined);
      }
      const got = await options.blobs.get(key.key);
      if (!got) throw notFound('blob');
      return reply
        .type(key.contentType)
        .header('content-length', got.info.size)
        .header('last-modified', got.info.lastModified.toUTCString())
        .header('cache-control', 'private, max-age=3600')
        .send(got.body);
    },
  );
}

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkArchitecture, readSources } from './support/architecture.js';

const SRC = fileURLToPath(new URL('../src', import.meta.url));

/** A small tree that keeps every rule: the planted violations below each break one. */
const clean = (): Map<string, string> =>
  new Map([
    ['db/index.ts', "export const ping = (db) => db.query('SELECT 1');"],
    ['errors.ts', 'export class AppError extends Error {}'],
    ['venues/index.ts', "export { VenueService } from './venue.service.js';"],
    ['venues/venue.service.ts', "import { VenueRepository } from './venue.repository.js';\nimport { AppError } from '../errors.js';"],
    [
      'venues/venue.repository.ts',
      "export class VenueRepository { list() { return this.db.query('SELECT id FROM venues WHERE org_id = $1'); } }",
    ],
    ['alerts/index.ts', "export { createNotifier } from './notify/index.js';"],
    ['alerts/engine.ts', "import { createNotifier } from './notify/index.js';\nimport { VenueService } from '../venues/index.js';"],
    ['alerts/notify/index.ts', "export { createNotifier } from './notifier.js';"],
    [
      'alerts/notify/notifier.ts',
      "import { OutboxRepository } from './outbox.repository.js';\nimport { logChannel } from './channels/log.js';",
    ],
    [
      'alerts/notify/outbox.repository.ts',
      "export class OutboxRepository { claim() { return this.db.query('UPDATE notifications SET status = $1'); } }",
    ],
    ['alerts/notify/channels/log.ts', "import { maskRecipient } from '../phone.js';"],
    ['alerts/notify/phone.ts', 'export const maskRecipient = (s) => s;'],
    ['server.ts', "import { VenueService } from './venues/index.js';\nimport { ping } from './db/index.js';"],
  ]);

describe('cloud module rules', () => {
  it('cloud/src keeps them: SQL only in repositories, other modules only through their index.ts, no folder cycles', () => {
    const violations = checkArchitecture(readSources(SRC));
    expect(violations.map((v) => `${v.rule} ${v.file}: ${v.detail}`)).toEqual([]);
  });

  it('the planted tree is clean (so each violation below is the one that is flagged)', () => {
    expect(checkArchitecture(clean())).toEqual([]);
  });

  it('flags SQL outside a repository, in a query call or a statement', () => {
    const files = clean();
    files.set('alerts/sms-reply.ts', "const { rows } = await o.db.query('SELECT 1 FROM notifications');");
    files.set('server.ts', 'const sql = `SELECT id FROM organisations ORDER BY created_at LIMIT 1`;');
    expect(checkArchitecture(files)).toEqual([
      expect.objectContaining({ rule: 'sql-outside-repository', file: 'alerts/sms-reply.ts' }),
      expect.objectContaining({ rule: 'sql-outside-repository', file: 'server.ts' }),
    ]);
  });

  it("flags a module importing another module's repository, or its files past index.ts", () => {
    const files = clean();
    files.set('alerts/engine.ts', "import { VenueRepository } from '../venues/venue.repository.js';");
    files.set('alerts/feed.ts', "import type { VenueService } from '../venues/venue.service.js';");
    files.set('alerts/summary.ts', "import { OutboxRepository } from './notify/outbox.repository.js';");
    expect(checkArchitecture(files).map((v) => [v.rule, v.file])).toEqual([
      ['foreign-repository', 'alerts/engine.ts'],
      ['module-internals', 'alerts/feed.ts'],
      ['foreign-repository', 'alerts/summary.ts'],
    ]);
  });

  it('flags a child module and its parent importing each other (alerts/notify and alerts, as before)', () => {
    const files = clean();
    files.set('alerts/notify/summary.ts', "import { AlertRepository } from '../alert.repository.js';");
    files.set('alerts/alert.repository.ts', 'export class AlertRepository {}');
    const found = checkArchitecture(files);
    expect(found.filter((v) => v.rule === 'folder-cycle').map((v) => v.detail)).toEqual([
      'alerts, alerts/notify import each other: alerts -> alerts/notify (alerts/index.ts); alerts/notify -> alerts (alerts/notify/summary.ts)',
    ]);
  });

  it('flags a loop through several modules once', () => {
    const files = clean();
    files.set('venues/venue.service.ts', "import { createNotifier } from '../alerts/index.js';");
    expect(checkArchitecture(files).map((v) => [v.rule, v.detail.split(' import each other')[0]])).toEqual([
      ['folder-cycle', 'alerts, venues'],
    ]);
  });
});

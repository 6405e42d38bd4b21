/** The owner rows of jobs on PGlite: scoped by organisation, forgotten once the queue has dropped the job. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/index.js';
import { JobsRepository } from '../../src/jobs/jobs.repository.js';
import { repos } from '../support/repos.js';
import { pgliteFactory } from '../support/db.js';

describe('JobsRepository', () => {
  let db: Db;
  let jobs: JobsRepository;
  let ours: string;
  let theirs: string;
  beforeAll(async () => {
    db = await pgliteFactory.open();
    jobs = new JobsRepository(db);
    ours = (await repos(db).venues.createOrganisation('Ours')).id;
    theirs = (await repos(db).venues.createOrganisation('Theirs')).id;
  });
  afterAll(() => pgliteFactory.dispose(db));

  it('finds a job only with its organisation', async () => {
    const id = randomUUID();
    await jobs.add(ours, id, 'test_echo');
    expect(await jobs.get(ours, id)).toEqual({ id, name: 'test_echo' });
    expect(await jobs.get(theirs, id)).toBeUndefined();
  });

  it('forgets only jobs older than it is told', async () => {
    const old = randomUUID();
    const fresh = randomUUID();
    await jobs.add(ours, old, 'test_echo');
    await jobs.add(ours, fresh, 'test_echo');
    await db.query("UPDATE jobs SET created_at = now() - interval '16 days' WHERE id = $1", [old]);
    expect(await jobs.forget(15)).toBe(1);
    expect(await jobs.get(ours, old)).toBeUndefined();
    expect(await jobs.get(ours, fresh)).toBeDefined();
  });

  it('names the schema the queue is named after', async () => {
    expect(await jobs.currentSchema()).toBe('public');
  });
});

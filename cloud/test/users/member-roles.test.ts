import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/index.js';
import type { Role } from '../../src/plugins/principal.js';
import { MEMBERSHIP_CHANNEL, MemberRoles } from '../../src/users/member-roles.js';
import { pgliteFactory } from '../support/db.js';
import { waitFor } from '../support/device.js';

describe('member roles across instances', () => {
  let db: Db;
  beforeAll(async () => {
    db = await pgliteFactory.open();
  });
  afterAll(() => pgliteFactory.dispose(db));

  it('an instance forgets a cached role when another announces a change on the bus', async () => {
    // the membership table as both instances read it
    const held = new Map<string, Role>([['org-1 user-1', 'owner']]);
    const loads: string[] = [];
    const other = new MemberRoles(db, async (org, user) => {
      loads.push(`${org} ${user}`);
      return held.get(`${org} ${user}`);
    });
    await other.start();
    expect(await other.roleOf('org-1', 'user-1')).toBe('owner');
    expect(await other.roleOf('org-1', 'user-1')).toBe('owner');
    expect(loads).toHaveLength(1); // the second ask came from the cache

    // this instance demotes, then announces it once the change commits
    held.set('org-1 user-1', 'bartender');
    await db.transaction((tx) => tx.notify(MEMBERSHIP_CHANNEL, 'org-1 user-1'));
    expect(await waitFor(async () => ((await other.roleOf('org-1', 'user-1')) === 'bartender' ? true : undefined))).toBe(true);

    held.delete('org-1 user-1');
    await db.notify(MEMBERSHIP_CHANNEL, 'org-1 user-1');
    expect(await waitFor(async () => ((await other.roleOf('org-1', 'user-1')) === undefined ? true : undefined))).toBe(true);
    await other.stop();
  });
});

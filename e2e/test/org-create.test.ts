import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCloud } from '@smartstock/cloud';
import { startTestCloud } from './support/cloud.js';
import { cli } from '../../provisioning/test/helpers/cli.js';

/** `smartstock-provision org create` and `org list` against the real cloud: an operator adds a bar group. */
const OPERATOR = { email: 'ops@cloud.test', password: 'correct horse battery staple' };

describe('org create', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'prov-org-'));
  let cloud: RunningCloud;
  const flags = (who = OPERATOR) => ['--cloud-url', cloud.url, '--email', who.email, '--password', who.password, '--json'];

  beforeAll(async () => {
    cloud = await startTestCloud(tmp, { ...OPERATOR, organisation: 'SmartStock Operations' }, { orgs: { operators: [OPERATOR.email] } });
  });
  afterAll(() => cloud?.stop());

  it('creates the organisation and prints its owner’s invitation link, which works', async () => {
    const r = await cli('org', 'create', '--name', 'Harbour Bars', '--owner-email', 'ana@harbour.test', ...flags());
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.json.organisation.name).toBe('Harbour Bars');
    const token = (r.json.invitation.link as string).split('/#/invite/')[1]!;
    const res = await fetch(`${cloud.url}/api/v1/invitations/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, name: 'Ana', password: 'ana’s own long password' }),
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { user: { role: string; orgId: string } }).user).toMatchObject({
      role: 'owner',
      orgId: r.json.organisation.id,
    });
    const list = await cli('org', 'list', ...flags());
    expect(list.json.organisations.map((o: { name: string; members: number }) => [o.name, o.members])).toEqual([
      ['SmartStock Operations', 1],
      ['Harbour Bars', 1],
    ]);
  });

  it('fails with a clear message for someone who is not an operator', async () => {
    const r = await cli(
      'org',
      'create',
      '--name',
      'X',
      '--owner-email',
      'x@x.test',
      ...flags({ email: 'ana@harbour.test', password: 'ana’s own long password' }),
    );
    expect(r.code).toBe(1);
    expect(r.json.error).toMatch(/HTTP 403: only an operator of this cloud may do this/);
    expect(r.json.fix).toMatch(/the account is not an operator of this cloud \(SMARTSTOCK_OPERATORS/);
  });
});

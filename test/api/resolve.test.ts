import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveOrganization, resolveWorkspaces, type SlugDirectory } from '../../src/api/resolve.js';
import { toHexSlug } from '../../src/api/slugs.js';
import type { Organization, Workspace } from '../../src/api/types.js';
import { LumenSyncError } from '../../src/errors.js';

const org = (orgSlug: string): Organization => ({ orgSlug, orgSlugHex: toHexSlug(orgSlug), name: undefined, id: undefined });
const ws = (workspaceSlug: string): Workspace => ({ workspaceSlug, workspaceSlugHex: toHexSlug(workspaceSlug), name: undefined, id: undefined });

const directory: SlugDirectory = {
  listOrganizations: async () => [org('acme'), org('globex')],
  listWorkspaces: async (orgSlug) => (orgSlug === 'acme' ? [ws('support-bot'), ws('sales')] : orgSlug === 'globex' ? [ws('helpdesk')] : []),
};

type Code = 'LUMENSYNC_CONFIG_INVALID' | 'LUMENSYNC_ACCESS';
const ACCESS: Code = 'LUMENSYNC_ACCESS';

/** Assert an error (a usage mistake, or something the account cannot see) whose message and hint contain the given fragments. */
async function rejectsWith(promise: Promise<unknown>, messageParts: string[], hintParts: string[], code: Code = 'LUMENSYNC_CONFIG_INVALID'): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof LumenSyncError);
    assert.equal(error.code, code);
    for (const part of messageParts) assert.ok(error.message.includes(part), `message ${JSON.stringify(error.message)} lacks ${part}`);
    for (const part of hintParts) assert.ok(error.hint?.includes(part), `hint ${JSON.stringify(error.hint)} lacks ${part}`);
    return true;
  });
}

describe('resolveOrganization', () => {
  it('finds the org by original slug', async () => assert.deepEqual(await resolveOrganization(directory, 'acme'), org('acme')));
  it('trims the input', async () => assert.equal((await resolveOrganization(directory, ' acme ')).orgSlug, 'acme'));

  const failures: { label: string; input: string; message: string[]; hint: string[]; code?: Code }[] = [
    { label: 'hex form given', input: '61636d65', message: ['"61636d65" is the hex form of the organization slug "acme"'], hint: ['--org acme'] },
    { label: 'unknown org lists the visible ones', input: 'initech', message: ['"initech"', 'acme, globex'], hint: ['acme, globex', 'LUMENONE_ACCOUNT_ID'], code: ACCESS },
    { label: 'case difference', input: 'ACME', message: ['"acme"', 'case-sensitive'], hint: ['--org acme'] },
  ];
  for (const { label, input, message, hint, code } of failures) it(label, () => rejectsWith(resolveOrganization(directory, input), message, hint, code));

  it('no organizations at all', () => rejectsWith(resolveOrganization({ ...directory, listOrganizations: async () => [] }, 'acme'), ['(none)'], ['LUMENONE_ACCOUNT_ID'], ACCESS));
});

describe('resolveWorkspaces', () => {
  it('resolves in order without duplicates', async () => {
    const result = await resolveWorkspaces(directory, org('acme'), ['sales', 'support-bot', 'sales']);
    assert.deepEqual(result.map((workspace) => workspace.workspaceSlug), ['sales', 'support-bot']);
  });
  it('no inputs → no request, empty list', async () => {
    const result = await resolveWorkspaces({ ...directory, listWorkspaces: async () => assert.fail('must not list') }, org('acme'), []);
    assert.deepEqual(result, []);
  });

  const failures: { label: string; input: string; message: string[]; hint: string[]; code?: Code }[] = [
    { label: 'hex form given', input: toHexSlug('support-bot'), message: ['is the hex form of the workspace slug "support-bot"'], hint: ['--workspace support-bot'] },
    { label: 'workspace of another org', input: 'helpdesk', message: ['Workspace "helpdesk" belongs to organization "globex", not "acme"'], hint: ['--org globex', 'support-bot, sales'], code: ACCESS },
    { label: 'hex of a workspace of another org', input: toHexSlug('helpdesk'), message: ['belongs to organization "globex"', 'hex form of "helpdesk"'], hint: ['--workspace helpdesk'], code: ACCESS },
    { label: 'unknown workspace lists those of the org', input: 'nope', message: ['"nope" is not in organization "acme"', 'support-bot, sales'], hint: ['support-bot, sales'], code: ACCESS },
    { label: 'case difference', input: 'Sales', message: ['"sales"', 'case-sensitive'], hint: ['--workspace sales'] },
  ];
  for (const { label, input, message, hint, code } of failures) it(label, () => rejectsWith(resolveWorkspaces(directory, org('acme'), [input]), message, hint, code));

  it('listing other orgs failing still gives the plain message', () =>
    rejectsWith(
      resolveWorkspaces({ ...directory, listOrganizations: async () => Promise.reject(new Error('down')) }, org('acme'), ['helpdesk']),
      ['"helpdesk" is not in organization "acme"'],
      [],
      ACCESS,
    ));
});

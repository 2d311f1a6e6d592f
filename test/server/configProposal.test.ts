// The editor's offer of a flaglens.yaml, over a real JSON-RPC stream pair: in a trusted workspace without one the
// server asks once (window/showMessageRequest: Add / Show / Not now) with the proposal `flaglens init` makes; Add
// is a workspace/applyEdit that creates the file with that text (undoable in the editor), Show sends the text to
// open unsaved; an untrusted workspace is asked only once trust is granted; a workspace with a flaglens.yaml never.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../../core/src/config.js';
import { ConfigProposalActions, ShowConfigProposalNotification } from '../../protocol/src/index.js';
import { EXPECTED, flagd, helpers } from '../cli/initFixture.js';
import { FULL_CAPABILITIES, TestClient } from './testClient.js';

/** The fixture on disk (with its flagd file, so the index reports progress), for TestClient to copy. */
function fixture(extra: Record<string, string> = {}): { path: string; dispose(): void } {
  const path = mkdtempSync(join(tmpdir(), 'flaglens-proposal-'));
  for (const [file, text] of Object.entries({ ...helpers, 'flags.flagd.yaml': flagd, ...extra })) {
    mkdirSync(dirname(join(path, file)), { recursive: true });
    writeFileSync(join(path, file), text);
  }
  return { path, dispose: () => rmSync(path, { recursive: true, force: true }) };
}

const capabilities = { ...FULL_CAPABILITIES, workspace: { ...FULL_CAPABILITIES.workspace, workspaceEdit: { documentChanges: true, resourceOperations: ['create' as const] } } };

type Offer = { message: string; actions: Array<{ title: string }> };
const offers = (client: TestClient) => client.serverRequests.filter((request) => request.method === 'window/showMessageRequest').map((request) => request.params as Offer);
const sortChecks = (checks: unknown[]) => checks.map((check) => JSON.stringify(check)).sort();

test('Add: one offer naming the helpers, then an edit that creates flaglens.yaml with the proposal', { timeout: 60_000 }, async (t) => {
  const workspace = fixture();
  t.after(workspace.dispose);
  let created: { uri: string; text: string } | undefined;
  const client = await TestClient.start({
    workspace: workspace.path,
    capabilities,
    initializationOptions: { trusted: true },
    answer: (method, params) => {
      if (method === 'window/showMessageRequest') return { title: ConfigProposalActions.add };
      if (method === 'workspace/applyEdit') {
        // The editor applies it: the file is created, then the text inserted (both undoable there).
        const [create, insert] = (params as { edit: { documentChanges: Array<Record<string, any>> } }).edit.documentChanges;
        assert.equal(create.kind, 'create');
        assert.deepEqual(create.options, { overwrite: false, ignoreIfExists: false });
        assert.equal(insert.textDocument.uri, create.uri);
        created = { uri: create.uri, text: insert.edits[0].newText };
        writeFileSync(fileURLToPath(create.uri), created.text);
        return { applied: true };
      }
      return undefined;
    },
  });
  t.after(() => client.stop());
  await client.waitFor(() => created, 30_000, 'the edit creating flaglens.yaml');
  const [offer] = offers(client);
  assert.match(offer.message, /^Flaglens found 9 uses of `featureService\.isEnabled`, `useFeature`, `appConfig\.flags\.\*` and 1 more that look like flag checks\. Add them to flaglens\.yaml\?$/);
  assert.deepEqual(offer.actions.map((action) => action.title), ['Add', 'Show', 'Not now']);
  assert.equal(created!.uri, client.uri('flaglens.yaml'));
  const { config, errors } = parseConfig(created!.text, 'flaglens.yaml');
  assert.deepEqual(errors, []);
  assert.deepEqual(sortChecks(config.checks), sortChecks(EXPECTED));
  assert.equal(offers(client).length, 1);
});

test('Show: the proposal is sent to be opened unsaved; nothing is written', { timeout: 60_000 }, async (t) => {
  const workspace = fixture();
  t.after(workspace.dispose);
  const client = await TestClient.start({ workspace: workspace.path, capabilities, initializationOptions: { trusted: true }, answer: (method) => (method === 'window/showMessageRequest' ? { title: ConfigProposalActions.show } : undefined) });
  t.after(() => client.stop());
  const shown = await client.waitFor(() => client.notifications.find((n) => n.method === ShowConfigProposalNotification.method)?.params as ShowConfigProposalNotification.Params | undefined, 30_000, 'the proposal to show');
  assert.equal(shown.uri, client.uri('flaglens.yaml'));
  assert.deepEqual(sortChecks(parseConfig(shown.text, 'flaglens.yaml').config.checks), sortChecks(EXPECTED));
  assert.ok(!client.serverRequests.some((request) => request.method === 'workspace/applyEdit'));
});

test('untrusted: no offer until trust is granted, then one; "Not now" and a second grant ask nothing more', { timeout: 60_000 }, async (t) => {
  const workspace = fixture();
  t.after(workspace.dispose);
  const client = await TestClient.start({ workspace: workspace.path, capabilities, answer: (method) => (method === 'window/showMessageRequest' ? { title: ConfigProposalActions.notNow } : undefined) });
  t.after(() => client.stop());
  await client.waitForIndex();
  // The decision after the index is made as the index ends: untrusted, nothing was asked.
  await client.request('flaglens/listFlags', {});
  assert.equal(offers(client).length, 0);
  await client.notify('flaglens/setSecrets', { tokens: [], trusted: true });
  await client.waitFor(() => offers(client).length === 1, 30_000, 'the offer after trust');
  await client.notify('flaglens/setSecrets', { tokens: [], trusted: true });
  await client.request('flaglens/listFlags', {});
  assert.equal(offers(client).length, 1, 'once per workspace');
  assert.ok(!client.serverRequests.some((request) => request.method === 'workspace/applyEdit'));
});

test('a workspace with a flaglens.yaml is never offered one', { timeout: 60_000 }, async (t) => {
  const workspace = fixture({ 'flaglens.yaml': 'checks: []\n' });
  t.after(workspace.dispose);
  const client = await TestClient.start({ workspace: workspace.path, capabilities, initializationOptions: { trusted: true } });
  t.after(() => client.stop());
  await client.waitForIndex();
  await client.request('flaglens/listFlags', {});
  assert.equal(offers(client).length, 0);
});

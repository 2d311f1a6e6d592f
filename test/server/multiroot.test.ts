// A workspace of several folders over a real JSON-RPC stream pair: each folder has its own config, state, index
// and health, so hover and diagnostics in each follow that folder's state file; the flag list has them per
// folder; a folder inside another serves its own files; adding or removing a folder starts or stops only that
// folder (its diagnostics are cleared, the other folder's stay).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hover } from 'vscode-languageserver-protocol';
import type { ListFlagsRequest } from '../../protocol/src/index.js';
import { EXAMPLE_SHOP, positionOf, TestClient } from './testClient.js';

const CHECKOUT = 'src/server/checkout.ts';

/** The example shop with its state file moved to config/ and new-checkout back at 10% (flaglens.yaml names the new place). */
function adminFolder(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'flaglens-admin-'));
  cpSync(EXAMPLE_SHOP, path, { recursive: true, filter: (source) => !source.includes('node_modules') });
  const state = readFileSync(join(path, 'flags.flagd.yaml'), 'utf8').replace(
    /(  new-checkout:\n    state: ENABLED\n    variants:\n      "on": true\n      "off": false\n)    defaultVariant: "on"\n/,
    '$1    defaultVariant: "off"\n    targeting:\n      fractional:\n        - ["on", 10]\n        - ["off", 90]\n',
  );
  assert.match(state, /fractional:\n        - \["on", 10\]/, 'the admin state file moves new-checkout to 10%');
  mkdirSync(join(path, 'config'));
  writeFileSync(join(path, 'config', 'flags.flagd.yaml'), state);
  unlinkSync(join(path, 'flags.flagd.yaml'));
  writeFileSync(join(path, 'flaglens.yaml'), readFileSync(join(path, 'flaglens.yaml'), 'utf8').replace('flagd: flags.flagd.yaml', 'flagd: config/flags.flagd.yaml'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

function hoverText(hover: Hover | null): string {
  return hover ? (hover.contents as { value: string }).value : '';
}

test('two folders with their own config and state: hover, diagnostics and the flag list follow each folder', async () => {
  const admin = adminFolder();
  const client = await TestClient.start({ folders: [{ workspace: EXAMPLE_SHOP, name: 'shop' }, { workspace: admin.path, name: 'admin' }] });
  try {
    const shopCheckout = await client.open(`shop/${CHECKOUT}`);
    const adminCheckout = await client.open(`admin/${CHECKOUT}`);
    await client.waitFor(() => client.notifications.filter((n) => n.method === '$/progress' && (n.params as { value: { kind: string } }).value.kind === 'end').length === 2, 60_000, 'both folders indexed');
    const titles = client.notifications
      .filter((n) => n.method === '$/progress' && (n.params as { value: { kind: string } }).value.kind === 'begin')
      .map((n) => (n.params as { value: { title: string; cancellable?: boolean } }).value);
    assert.deepEqual(titles, [{ kind: 'begin', title: 'Flaglens: indexing shop', cancellable: true, percentage: 0 }, { kind: 'begin', title: 'Flaglens: indexing admin', cancellable: true, percentage: 0 }]);

    const at = (text: string) => positionOf(text, 'FLAGS.NEW_CHECKOUT', 8);
    const shopHover = await client.poll(async () => hoverText(await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: shopCheckout.uri }, position: at(shopCheckout.text) })).match(/released 100%/) && true);
    assert.ok(shopHover);
    const adminHover = hoverText(await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: adminCheckout.uri }, position: at(adminCheckout.text) }));
    assert.match(adminHover, /`new-checkout` — \*\*rolling 10%\*\*/);
    assert.match(adminHover, /config\/flags\.flagd\.yaml/, 'the admin folder\'s definition is in its own state file');

    // FL001 (stale: released for months) only where the flag is released.
    const line = positionOf(shopCheckout.text, 'FLAGS.NEW_CHECKOUT').line;
    await client.waitFor(() => client.diagnostics.get(shopCheckout.uri)?.some((d) => d.code === 'FL001' && d.range.start.line === line), 20_000, 'FL001 in the shop');
    await client.waitFor(() => client.diagnostics.get(adminCheckout.uri)?.length, 20_000, 'the admin folder\'s diagnostics');
    assert.ok(!client.diagnostics.get(adminCheckout.uri)!.some((d) => d.code === 'FL001' && d.range.start.line === line));

    const list = await client.request<ListFlagsRequest.Result>('flaglens/listFlags', {});
    assert.deepEqual(list.folders.map((folder) => [folder.name, folder.uri]), [['shop', client.uri('shop')], ['admin', client.uri('admin')]]);
    const stageOf = (folder: string) => list.folders.find((entry) => entry.name === folder)!.flags.find((flag) => flag.key === 'new-checkout')!.stage;
    assert.deepEqual([stageOf('shop'), stageOf('admin')], ['released', 'rolling']);
    assert.equal(list.flags.length, list.folders[0]!.flags.length + list.folders[1]!.flags.length);
    assert.equal(list.attention.stale, list.folders[0]!.attention.stale + list.folders[1]!.attention.stale);
    // A bump names its folder: the admin's state file changes, the shop's does not.
    const preview = await client.request<{ from: string; to: string }>('flaglens/previewRollout', { key: 'new-checkout', action: 'bump', folder: client.uri('admin') });
    assert.deepEqual([preview.from, preview.to], ['rolling 10%', 'rolling 50%']);

    // Removing a folder stops only that folder: its diagnostics are cleared, the other folder keeps serving.
    await client.notify('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [{ uri: client.uri('admin'), name: 'admin' }] } });
    await client.waitFor(() => client.diagnostics.get(adminCheckout.uri)?.length === 0, 10_000, 'the admin diagnostics to be cleared');
    assert.ok(client.diagnostics.get(shopCheckout.uri)?.some((d) => d.code === 'FL001'));
    const after = await client.request<ListFlagsRequest.Result>('flaglens/listFlags', {});
    assert.deepEqual(after.folders.map((folder) => folder.name), ['shop']);
    assert.equal(await client.request('textDocument/hover', { textDocument: { uri: adminCheckout.uri }, position: at(adminCheckout.text) }), null);
    assert.match(hoverText(await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: shopCheckout.uri }, position: at(shopCheckout.text) })), /released 100%/);
  } finally {
    await client.stop();
    admin.remove();
  }
});

test('a folder added inside another serves its own files: the outer folder leaves them out and only the new folder indexes', async () => {
  const client = await TestClient.start({ folders: [{ workspace: EXAMPLE_SHOP, name: 'shop' }] });
  try {
    await client.waitForIndex();
    const referencesOf = async (folder: string, key: string) => {
      const list = await client.request<ListFlagsRequest.Result>('flaglens/listFlags', {});
      return list.folders.find((entry) => entry.name === folder)?.flags.find((flag) => flag.key === key)?.references.map((place) => place.uri) ?? [];
    };
    await client.waitFor(() => client.notifications.some((n) => n.method === 'flaglens/flagsChanged'), 10_000, 'state loaded');
    assert.deepEqual(await referencesOf('shop', 'one-click-pay'), [client.uri('shop/src/web/CheckoutButton.tsx')]);
    const endsBefore = client.notifications.filter((n) => n.method === '$/progress' && (n.params as { value: { kind: string } }).value.kind === 'end').length;
    await client.notify('workspace/didChangeWorkspaceFolders', { event: { added: [{ uri: client.uri('shop/src/web'), name: 'web' }], removed: [] } });
    const list = await client.poll(async () => {
      const current = await client.request<ListFlagsRequest.Result>('flaglens/listFlags', {});
      return current.folders.length === 2 && current;
    });
    assert.deepEqual(list.folders.map((folder) => folder.name), ['shop', 'web']);
    // The outer folder indexed again without src/web (its own state still defines the flag, now unchecked there).
    await client.poll(async () => (await referencesOf('shop', 'one-click-pay')).length === 0, 30_000, 'src/web to leave the shop folder');
    assert.deepEqual(client.session.folders.get(client.uri('shop'))!.host.config.exclude.slice(-1), ['src/web/**']);
    await client.waitFor(() => client.notifications.filter((n) => n.method === '$/progress' && (n.params as { value: { kind: string } }).value.kind === 'end').length > endsBefore, 10_000, 'the shop index progress to end');
  } finally {
    await client.stop();
  }
});

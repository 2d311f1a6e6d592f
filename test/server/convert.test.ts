// The server's one conversion module: core positions and locations → LSP, link targets in hovers, hover markup
// for Markdown and plain-text clients, and the core's flag-list entry → the protocol's FlagSummary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  markdownToPlainText,
  offsetToPosition,
  rangeToOffsets,
  toCommandLink,
  toFileLink,
  toFlagSummary,
  toHoverContents,
  toLspLine,
  toLspPlace,
  Uri,
} from '../../server/src/convert.js';
import type { FlagListEntry } from '../../core/src/features/flagList.js';

const toAbsolute = (file: string) => `/work/shop/${file}`;

test('lines and offsets: core 1-based lines become LSP 0-based ones; offsets and ranges round-trip through the document', () => {
  assert.equal(toLspLine(1), 0);
  assert.equal(toLspLine(14), 13);
  const document = TextDocument.create('file:///w/a.ts', 'typescript', 1, 'first\nsecond line\n');
  assert.deepEqual(offsetToPosition(document, 9), { line: 1, character: 3 });
  assert.deepEqual(rangeToOffsets(document, { start: { line: 0, character: 2 }, end: { line: 1, character: 6 } }), { start: 2, end: 12 });
});

test('link targets: a file at line and column (#L fragment), a client command with JSON arguments', () => {
  const location = { file: 'flags.flagd.yaml', line: 9, column: 3 };
  assert.equal(toFileLink(location, toAbsolute), `${Uri.fromPath('/work/shop/flags.flagd.yaml')}#L9,3`);
  assert.equal(toCommandLink('flaglens.showFlags', ['fast-search']), 'command:flaglens.showFlags?%5B%22fast-search%22%5D');
  assert.deepEqual(toLspPlace(location, toAbsolute), { uri: 'file:///work/shop/flags.flagd.yaml', line: 8, character: 2 });
});

test('hover markup: Markdown with its links line, or plain text without marks and links', () => {
  const markdown = '**flag** `fast-search` — **rolling 10%**\n\nowner: team-search\n\n_state as of 2026-11-27: Unleash unreachable_';
  const links = ['[Open definition](file:///a#L1,1)', '[Show all references (Flags view)](command:x)'];
  assert.deepEqual(toHoverContents({ markdown, links }, true), { kind: 'markdown', value: `${markdown}\n\n${links.join(' · ')}` });
  assert.deepEqual(toHoverContents({ markdown, links: [] }, true), { kind: 'markdown', value: markdown });
  assert.deepEqual(toHoverContents({ markdown, links }, false), {
    kind: 'plaintext',
    value: 'flag fast-search — rolling 10%\n\nowner: team-search\n\nstate as of 2026-11-27: Unleash unreachable',
  });
  assert.equal(markdownToPlainText('key `a_b` stays a_b'), 'key a_b stays a_b');
});

test('flag list: the core entry becomes the protocol summary with URI places and the state age', () => {
  const entry: FlagListEntry = {
    key: 'fast-search',
    stage: 'rolling',
    percentage: 10,
    enabled: true,
    owner: 'team-search',
    type: 'release',
    health: 'failing',
    healthSummary: 'error-rate 0.20 > 0.01',
    locations: [{ file: 'src/server/search.ts', line: 5, column: 40 }],
    findings: ['FL006'],
    stale: false,
    definition: { file: 'flags.flagd.yaml', line: 20, column: 3 },
  };
  assert.deepEqual(toFlagSummary(entry, 'state from 4 min ago, Unleash unreachable', toAbsolute), {
    key: 'fast-search',
    stage: 'rolling',
    percentage: 10,
    enabled: true,
    owner: 'team-search',
    type: 'release',
    health: 'failing',
    healthSummary: 'error-rate 0.20 > 0.01',
    references: [{ uri: 'file:///work/shop/src/server/search.ts', line: 4, character: 39 }],
    findings: ['FL006'],
    stale: false,
    definition: { uri: 'file:///work/shop/flags.flagd.yaml', line: 19, character: 2 },
    stateAge: 'state from 4 min ago, Unleash unreachable',
  });
  const withoutDefinition = toFlagSummary({ ...entry, definition: undefined, locations: [] }, undefined, toAbsolute);
  assert.deepEqual(withoutDefinition.references, []);
  assert.equal(withoutDefinition.definition, undefined);
  assert.equal(withoutDefinition.stateAge, undefined);
});

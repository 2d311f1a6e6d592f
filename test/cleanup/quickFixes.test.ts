// The "Remove flag here / everywhere" quick-fix data for the language server: titles, line/column edits
// across files, and the state-file definition when every site is rewritten.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFixture } from './fixture.js';
import { planRemoveFlagFixes } from '../../core/src/cleanup/quickFixes.js';

test('"here" rewrites the check under the cursor; "everywhere" every check and the definition', () => {
  const { files, references } = parseFixture(
    `
    //- /a.ts
    import { client } from './clients';
    export const a = () => (/*flag*/client.getBooleanValue('new-checkout', false) ? 'new' : 'old');
    //- /b.ts
    import { client } from './clients';
    export const b = () => (/*flag*/client.getBooleanValue('new-checkout', false) ? 'new' : 'old');
    `,
    'new-checkout',
  );
  const texts = new Map(files.map((file) => [file.path, file.text]));
  texts.set('flags.flagd.yaml', 'flags:\n  new-checkout:\n    state: ENABLED\n  other:\n    state: ENABLED\n');
  const fixes = planRemoveFlagFixes({
    key: 'new-checkout',
    value: true,
    references,
    readFile: (file) => texts.get(file),
    workspaceFiles: ['a.ts', 'b.ts'],
    site: { file: 'b.ts', checkStart: references[1]!.checkStart },
    definitionFile: 'flags.flagd.yaml',
  });
  assert.deepEqual(fixes.map((fix) => [fix.kind, fix.title]), [
    ['here', 'Remove flag `new-checkout` here (keep enabled branch)'],
    ['everywhere', 'Remove flag `new-checkout` everywhere (keep enabled branch)'],
  ]);
  assert.deepEqual([...new Set(fixes[0]!.edits.map((edit) => edit.file))], ['b.ts']);
  assert.deepEqual([...new Set(fixes[1]!.edits.map((edit) => edit.file))], ['a.ts', 'b.ts', 'flags.flagd.yaml']);
  assert.deepEqual(fixes[1]!.edits.find((edit) => edit.file === 'flags.flagd.yaml'), { file: 'flags.flagd.yaml', line: 2, column: 1, endLine: 4, endColumn: 1, newText: '' });
});

test('no fix is offered when the only site cannot be rewritten', () => {
  const { files, references } = parseFixture(
    `
    import { client } from './clients';
    export const checkoutEnabled = /*flag*/client.getBooleanValue('new-checkout', false);
    `,
    'new-checkout',
  );
  const fixes = planRemoveFlagFixes({ key: 'new-checkout', value: false, references, readFile: () => files[0]!.text, site: { file: 'main.tsx', checkStart: references[0]!.checkStart } });
  assert.deepEqual(fixes, []);
});

// Sites the cleanup must not rewrite (an exported constant, a JSX check with other attributes) are left
// exactly as written and listed with the reason; a change that would break the types is refused; a second
// run changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCleanup, parseFixture, memoryFileSystem, FIXTURE_ROOT } from './fixture.js';
import { planFlagRemoval } from '../../core/src/cleanup/plan.js';
import { checkChangeTypes } from '../../core/src/cleanup/typecheck.js';
import { systemTimers } from '../../core/src/io.js';

test('a value in an exported constant, or called as a function, is skipped with the reason; the rest is rewritten', () => {
  const plan = checkCleanup(
    `
    import { client } from './clients';
    export const checkoutEnabled = /*flag*/client.getBooleanValue('new-checkout', false);
    export function Page() {
      return <button>{/*flag*/client.getBooleanValue('new-checkout', false) ? 'Pay' : 'Checkout'}</button>;
    }
    `,
    `
    import { client } from './clients';
    export const checkoutEnabled = client.getBooleanValue('new-checkout', false);
    export function Page() {
      return <button>{'Pay'}</button>;
    }
    `,
  );
  assert.equal(plan.status, 'partially-cleaned');
  assert.deepEqual(
    plan.sites.map((site) => [site.line, site.status, site.reason]),
    [
      [2, 'skipped', 'the value is stored in the exported constant `checkoutEnabled`'],
      [4, 'rewritten', undefined],
    ],
  );
});

test('a JSX check with other attributes is skipped', () => {
  const plan = checkCleanup(
    `
    import { IfFeatureEnabled } from '@growthbook/growthbook-react';
    export const Page = () => <main>/*flag*/<IfFeatureEnabled feature="new-checkout" key="a"><b>New</b></IfFeatureEnabled></main>;
    `,
    `
    import { IfFeatureEnabled } from '@growthbook/growthbook-react';
    export const Page = () => <main><IfFeatureEnabled feature="new-checkout" key="a"><b>New</b></IfFeatureEnabled></main>;
    `,
  );
  assert.equal(plan.status, 'not-cleaned');
  assert.match(plan.sites[0]!.reason!, /other attributes \(key\)/);
});

test('a change that introduces a type error is reported with the error and its site', () => {
  // Off, the early return goes and `label` is `string | undefined` where a string is expected.
  const { files, references } = parseFixture(
    `
    import { client } from './clients';
    export function label(name?: string): string {
      if (!/*flag*/client.getBooleanValue('new-checkout', false) || !name) return 'guest';
      return name;
    }
    `,
    'new-checkout',
  );
  const texts = new Map(files.map((file) => [file.path, file.text]));
  const plan = planFlagRemoval({ key: 'new-checkout', value: true, references, readFile: (file) => texts.get(file) });
  assert.equal(plan.changes[0]!.after.includes("if (!name) return 'guest';"), true);
  // Now a genuinely breaking rewrite: the value replaces a call whose result type is needed.
  const breaking = parseFixture(
    `
    import { serverClient } from './clients';
    export const ready: Promise<boolean> = /*flag*/serverClient.getBooleanValue('new-checkout', false);
    `,
    'new-checkout',
  );
  const breakingTexts = new Map(breaking.files.map((file) => [file.path, file.text]));
  const breakingPlan = planFlagRemoval({ key: 'new-checkout', value: true, references: breaking.references, readFile: (file) => breakingTexts.get(file) });
  assert.equal(breakingPlan.changes.length, 0, 'a value stored in an exported constant is skipped, not rewritten');
  // Force a bad text through the checker to prove it names the error and the site.
  const fs = memoryFileSystem(new Map([[`${FIXTURE_ROOT}/main.ts`, breaking.files[0]!.text]]));
  const result = checkChangeTypes(new Map([['main.ts', breaking.files[0]!.text.replace(/serverClient\.getBooleanValue\([^)]*\)/, 'true')]]), { root: FIXTURE_ROOT, fs, workspaceFiles: ['main.ts'], timers: systemTimers });
  assert.equal(result.introduced.length, 1);
  assert.equal(result.introduced[0]!.file, 'main.ts');
  assert.equal(result.introduced[0]!.line, 2);
  assert.match(result.introduced[0]!.message, /boolean.*not assignable.*Promise<boolean>/);
});

test('idempotent: the rewritten text has nothing left to simplify and a second plan changes nothing', () => {
  const fixture = `
    import { client } from './clients';
    import { track } from './analytics';
    export const enabled = /*flag*/client.getBooleanValue('new-checkout', false);
    export function run(user: { admin: boolean }): void {
      if (/*flag*/client.getBooleanValue('new-checkout', false) && user.admin) track('a', 1);
      track('b', /*flag*/client.getBooleanValue('new-checkout', false));
    }
    `;
  const { files, references } = parseFixture(fixture, 'new-checkout');
  const texts = new Map(files.map((file) => [file.path, file.text]));
  const first = planFlagRemoval({ key: 'new-checkout', value: true, references, readFile: (file) => texts.get(file) });
  assert.equal(first.changes.length, 1);
  assert.deepEqual(first.sites.map((site) => site.status), ['skipped', 'rewritten', 'rewritten']);
  const after = first.changes[0]!.after;
  assert.match(after, /track\('b', true\);/);
  // The skipped site is still where a scanner finds it in the new text.
  const skippedStart = after.indexOf("client.getBooleanValue('new-checkout', false)");
  const second = planFlagRemoval({
    key: 'new-checkout',
    value: true,
    references: [{ ...references[0]!, checkStart: skippedStart, checkEnd: skippedStart + "client.getBooleanValue('new-checkout', false)".length }],
    readFile: () => after,
  });
  assert.deepEqual(second.changes, []);
  assert.equal(second.sites[0]!.status, 'skipped');
});

test('lineColumnEdits gives 1-based positions that reproduce the planned text', async () => {
  const { lineColumnEdits } = await import('../../core/src/cleanup/plan.js');
  const { files, references } = parseFixture(
    `
    import { client } from './clients';
    export const label = () => (/*flag*/client.getBooleanValue('new-checkout', false) ? 'new' : 'old');
    `,
    'new-checkout',
  );
  const plan = planFlagRemoval({ key: 'new-checkout', value: true, references, readFile: () => files[0]!.text });
  const edits = lineColumnEdits(plan.changes);
  // The import line goes as one edit of its own; the rest stays within the changed expression of line 2.
  assert.deepEqual(edits[0], { file: 'main.tsx', line: 1, column: 1, endLine: 2, endColumn: 1, newText: '' });
  assert.ok(edits.slice(1).every((edit) => edit.line === 2 && edit.endLine === 2 && edit.column >= 29));
  const before = plan.changes[0]!.before;
  const lineStarts = [0, before.indexOf('\n') + 1];
  const offsets = edits.map((edit) => ({ start: lineStarts[edit.line - 1]! + edit.column - 1, end: lineStarts[edit.endLine - 1]! + edit.endColumn - 1, newText: edit.newText }));
  const { applyTextEdits } = await import('../../core/src/cleanup/textEdits.js');
  assert.equal(applyTextEdits(before, offsets), plan.changes[0]!.after);
  assert.equal(plan.changes[0]!.after, "export const label = () => ('new');\n");
});

test('onlySites (the "remove here" quick fix) rewrites one site and leaves the others and the constant', () => {
  const { files, references } = parseFixture(
    `
    //- /flags.ts
    export const FLAGS = { NEW_CHECKOUT: 'new-checkout' } as const;
    //- /main.ts
    import { client } from './clients';
    import { FLAGS } from './flags';
    export const a = () => (/*flag*/client.getBooleanValue(FLAGS.NEW_CHECKOUT, false) ? 'new' : 'old');
    export const b = () => (/*flag*/client.getBooleanValue(FLAGS.NEW_CHECKOUT, false) ? 'new' : 'old');
    `,
    'new-checkout',
  );
  const texts = new Map(files.map((file) => [file.path, file.text]));
  const second = references[1]!;
  const plan = planFlagRemoval({
    key: 'new-checkout',
    value: true,
    references,
    readFile: (file) => texts.get(file),
    workspaceFiles: [...texts.keys()],
    onlySites: [{ file: second.file, checkStart: second.checkStart }],
  });
  assert.deepEqual(plan.changes.map((change) => change.file), ['main.ts']);
  assert.equal(
    plan.changes[0]!.after,
    "import { client } from './clients';\nimport { FLAGS } from './flags';\nexport const a = () => (client.getBooleanValue(FLAGS.NEW_CHECKOUT, false) ? 'new' : 'old');\nexport const b = () => ('new');\n",
  );
  assert.deepEqual(plan.sites.map((site) => site.status), ['rewritten']);
});

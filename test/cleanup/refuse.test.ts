// A cleanup that would add a type error is refused end to end: nothing is written, the exit code is 1,
// and the report names the error with file:line:column. Runs the real scanner on a small workspace on disk.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCli } from '../../cli/src/main.js';
import { recordingIo } from '../cli/recordingIo.js';
import { systemTimers } from '../../core/src/io.js';

const repositoryRoot = resolve(__dirname, '../..');
const workspace = join(repositoryRoot, '.cache', `cleanup-refuse-${process.pid}`);
after(() => rmSync(workspace, { recursive: true, force: true }));

const files: Record<string, string> = {
  'flaglens.yaml': 'checks:\n  - jsx: IfFeatureEnabled\n    attribute: feature\nstate:\n  flagd: flags.flagd.json\nexclude: ["test/**"]\n',
  // Excluded from the scan, but still a user of the constant: the entry must stay.
  'test/flags.test.ts': "import { FLAGS } from '../src/flags';\nexport const promoKey: string = FLAGS.PROMO;\n",
  'src/flags.ts': "export const FLAGS = {\n  PROMO: 'new-promo',\n  OTHER: 'other',\n} as const;\n",
  'flags.flagd.json': JSON.stringify({ flags: { 'new-promo': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off' } } }, null, 2),
  'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, jsx: 'preserve', noEmit: true, lib: ['ES2022'], target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', types: [] }, include: ['src'] }),
  'src/jsx.d.ts': 'declare namespace JSX {\n  interface Element { kind: string }\n  interface IntrinsicElements { [name: string]: { [attribute: string]: unknown } }\n}\n',
  'src/IfFeatureEnabled.tsx': 'export function IfFeatureEnabled(props: { feature: string; children?: unknown }): JSX.Element {\n  return { kind: String(props.children) };\n}\n',
  // The promo must return an element: with the flag off the element would become `null`.
  'src/Promo.tsx': [
    "import { IfFeatureEnabled } from './IfFeatureEnabled';",
    "import { FLAGS } from './flags';",
    '',
    'export function Promo(): JSX.Element {',
    '  return (',
    '    <IfFeatureEnabled feature={FLAGS.PROMO}>',
    '      <aside>Promo</aside>',
    '    </IfFeatureEnabled>',
    '  );',
    '}',
    '',
  ].join('\n'),
};


test('a change adding a type error is not written and the error is named with its position', async () => {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(workspace, file, '..'), { recursive: true });
    writeFileSync(join(workspace, file), text);
  }
  const io = recordingIo(repositoryRoot);
  const code = await runCli(['cleanup', 'new-promo', workspace, '--value', 'off', '--write'], io);
  assert.equal(code, 1, io.out + io.err);
  // The one site whose rewrite breaks the types is left as written, with the error as its reason.
  assert.match(io.out, /new-promo → off: not-cleaned, 0 site\(s\) rewritten, 1 skipped/);
  assert.match(io.out, /src\/Promo\.tsx:6:5: skipped: its rewrite adds a type error: src\/Promo\.tsx:5:3: TS2322: Type 'null' is not assignable to type 'Element'/);
  assert.match(io.out, /src\/Promo\.tsx:5:3: error TS2322: Type 'null' is not assignable to type 'Element'/);
  assert.match(io.out, /Nothing to change\./);
  assert.equal(readFileSync(join(workspace, 'src/Promo.tsx'), 'utf8'), files['src/Promo.tsx']);
  assert.equal(readFileSync(join(workspace, 'flags.flagd.json'), 'utf8'), files['flags.flagd.json']);

  // --keep-definition: the code change alone.
  const kept = recordingIo(repositoryRoot);
  assert.equal(await runCli(['cleanup', 'new-promo', workspace, '--value', 'on', '--keep-definition'], kept), 0, kept.err);
  assert.match(kept.out, /^--- a\/src\/Promo\.tsx$/m);
  assert.doesNotMatch(kept.out, /flags\.flagd\.json/);
  assert.match(kept.err, /definition kept in flags\.flagd\.json: --keep-definition/);

  // With the flag on the same check unwraps cleanly, and the definition goes from the JSON state file.
  const on = recordingIo(repositoryRoot);
  assert.equal(await runCli(['cleanup', 'new-promo', workspace, '--value', 'on', '--write'], on), 0, on.out + on.err);
  assert.equal(readFileSync(join(workspace, 'src/Promo.tsx'), 'utf8'), 'export function Promo(): JSX.Element {\n  return (\n    <aside>Promo</aside>\n  );\n}\n');
  assert.deepEqual(JSON.parse(readFileSync(join(workspace, 'flags.flagd.json'), 'utf8')), { flags: {} });
  assert.equal(readFileSync(join(workspace, 'src/flags.ts'), 'utf8'), files['src/flags.ts'], 'FLAGS.PROMO is still used by an excluded test');
});

test('per site: the site whose rewrite adds a type error stays byte-identical, the others proceed, the definition stays', async () => {
  const { planWithPerSiteRefusal } = await import('../../core/src/cleanup/workspace.js');
  const { checkChangeTypes } = await import('../../core/src/cleanup/typecheck.js');
  const { parseFixture, memoryFileSystem, FIXTURE_ROOT } = await import('./fixture.js');
  const promo = '<IfFeatureEnabled feature="new-checkout"><aside>Promo</aside></IfFeatureEnabled>';
  const { files, references } = parseFixture(
    `
    import type { JSX } from 'react';
    import { IfFeatureEnabled } from '@growthbook/growthbook-react';
    export function Promo(): JSX.Element {
      return /*flag*/${promo};
    }
    export function Banner() {
      return <main>{/*flag*/<IfFeatureEnabled feature="new-checkout"><b>New</b></IfFeatureEnabled>}</main>;
    }
    `,
    'new-checkout',
  );
  const texts = new Map(files.map((file) => [file.path, file.text]));
  const fs = memoryFileSystem(new Map([...texts].map(([path, text]) => [`${FIXTURE_ROOT}/${path}`, text])));
  const workspaceFiles = [...texts.keys()];
  const result = planWithPerSiteRefusal({ key: 'new-checkout', value: false, references, readFile: (file) => texts.get(file), workspaceFiles }, (changes) =>
    checkChangeTypes(changes, { root: FIXTURE_ROOT, fs, workspaceFiles, timers: systemTimers }).introduced,
  );
  assert.equal(result.accepted, true);
  assert.equal(result.plan.status, 'partially-cleaned');
  assert.deepEqual(result.plan.sites.map((site) => site.status), ['skipped', 'rewritten']);
  assert.match(result.plan.sites[0]!.reason!, /^its rewrite adds a type error: main\.tsx:4:3: TS2322: Type 'null' is not assignable to type 'Element'/);
  assert.equal(result.typeErrors.length, 1);
  const after = result.plan.changes[0]!.after;
  assert.ok(after.includes(`return ${promo};`), 'the refused site is byte-identical');
  assert.ok(after.includes('return <main></main>;'), after);
  assert.equal(checkChangeTypes(new Map([['main.tsx', after]]), { root: FIXTURE_ROOT, fs, workspaceFiles, timers: systemTimers }).introduced.length, 0);
});

test('an importer reached through a tsconfig path alias is type-checked: its new error refuses the flag', async () => {
  const { checkChangeTypes } = await import('../../core/src/cleanup/typecheck.js');
  const { planWithPerSiteRefusal } = await import('../../core/src/cleanup/workspace.js');
  const { parseFixture, memoryFileSystem, FIXTURE_ROOT } = await import('./fixture.js');
  const { files, references } = parseFixture(
    `
    //- /src/checkout/mode.ts
    import { client } from '../../clients';
    export const checkoutMode = /*flag*/client.getBooleanValue('new-checkout', false) ? 'one-page' : 'steps';
    //- /src/pages/summary.ts
    import { checkoutMode } from '~/checkout/mode';
    export const stepCount: number = checkoutMode === 'steps' ? 3 : 1;
    `,
    'new-checkout',
  );
  const texts = new Map(files.map((file) => [file.path, file.text]));
  const fs = memoryFileSystem(new Map([...texts].map(([path, text]) => [`${FIXTURE_ROOT}/${path}`, text])), { compilerOptions: { baseUrl: '.', paths: { '~/*': ['./src/*'] } } });
  const workspaceFiles = [...texts.keys()];
  const check = (changes: ReadonlyMap<string, string>) => checkChangeTypes(changes, { root: FIXTURE_ROOT, fs, workspaceFiles, timers: systemTimers });
  const result = planWithPerSiteRefusal({ key: 'new-checkout', value: true, references, readFile: (file) => texts.get(file), workspaceFiles }, (changes) => check(changes).introduced);
  // `checkoutMode` is now the literal type 'one-page': the aliased importer's comparison no longer type-checks.
  assert.equal(result.accepted, false);
  assert.deepEqual(result.typeErrors.map((error) => [error.file, error.code]), [['src/pages/summary.ts', 2367]]);
  const direct = check(new Map(result.plan.changes.map((change) => [change.file, change.after])));
  assert.deepEqual(direct.checkedFiles, ['src/checkout/mode.ts', 'src/pages/summary.ts']);
  assert.deepEqual(direct.projects, ['tsconfig.json']);
});

test('--stale: the flag whose change breaks an importer is refused whole, the other stale flag is cleaned', async () => {
  const root = join(repositoryRoot, '.cache', `cleanup-stale-refuse-${process.pid}`);
  rmSync(root, { recursive: true, force: true });
  const released = { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on', metadata: { releasedAt: '2025-01-01T00:00:00Z' } };
  const workspaceFiles: Record<string, string> = {
    'flaglens.yaml': 'state:\n  flagd: flags.flagd.json\n',
    'flags.flagd.json': `${JSON.stringify({ flags: { 'one-page-checkout': released, 'new-banner': released } }, null, 2)}\n`,
    'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'ES2022', lib: ['ES2022', 'DOM'], module: 'ESNext', moduleResolution: 'Bundler', skipLibCheck: true, types: [] }, include: ['src'] }),
    'src/client.ts': "import { OpenFeature } from '@openfeature/web-sdk';\nexport const client = OpenFeature.getClient('shop');\n",
    // Once on, `checkoutMode` is the literal 'one-page' and the importer's comparison no longer type-checks.
    'src/mode.ts': "import { client } from './client';\nexport const checkoutMode = client.getBooleanValue('one-page-checkout', false) ? 'one-page' : 'steps';\n",
    'src/summary.ts': "import { checkoutMode } from './mode';\nexport const stepCount: number = checkoutMode === 'steps' ? 3 : 1;\n",
    'src/banner.ts': "import { client } from './client';\nexport function banner(): string {\n  if (client.getBooleanValue('new-banner', false)) return 'new';\n  return 'old';\n}\n",
  };
  for (const [file, text] of Object.entries(workspaceFiles)) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  try {
    const io = recordingIo(repositoryRoot);
    const code = await runCli(['cleanup', '--stale', root, '--write', '--format', 'json'], io);
    assert.equal(code, 1, io.out + io.err);
    const report = JSON.parse(io.out) as { flags: { key: string; status: string; accepted: boolean; typeErrors: { file: string; code: number }[] }[] };
    const byKey = new Map(report.flags.map((flag) => [flag.key, flag]));
    assert.equal(byKey.get('one-page-checkout')!.accepted, false);
    assert.deepEqual(byKey.get('one-page-checkout')!.typeErrors.map((error) => [error.file, error.code]), [['src/summary.ts', 2367]]);
    assert.equal(byKey.get('new-banner')!.status, 'cleaned');
    assert.equal(readFileSync(join(root, 'src/mode.ts'), 'utf8'), workspaceFiles['src/mode.ts']);
    assert.equal(readFileSync(join(root, 'src/banner.ts'), 'utf8'), "export function banner(): string {\n  return 'new';\n}\n");
    const state = JSON.parse(readFileSync(join(root, 'flags.flagd.json'), 'utf8')) as { flags: Record<string, unknown> };
    assert.deepEqual(Object.keys(state.flags), ['one-page-checkout']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

// Every SDK's value shapes, rewritten and type-checked against the real packages: OpenFeature's React query
// objects and evaluation details, ConfigCat's `{ value, loading }`, GrowthBook's feature results, Flagsmith's
// flag objects, LaunchDarkly's flags object and evaluation details, Statsig's gates, Unleash's variants and the
// Vercel Flags SDK's awaited flag functions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCleanup } from './fixture.js';

test('OpenFeature React: useFlag(k, d).value, { value: x } and { value } of useFlag / useSuspenseFlag', () => {
  const plan = checkCleanup(
    `
    import { useFlag, useSuspenseFlag } from '@openfeature/react-sdk';
    export function Page() {
      const { value: darkMode } = /*flag*/useFlag('new-checkout', false);
      const { value } = /*flag*/useSuspenseFlag('new-checkout', false);
      const theme = darkMode ? 'dark' : 'light';
      return /*flag*/useFlag('new-checkout', false).value && value ? <main className={theme}>New</main> : <main>Old</main>;
    }
    `,
    `
    export function Page() {
      const theme = 'dark';
      return <main className={theme}>New</main>;
    }
    `,
  );
  assert.deepEqual(plan.sites.map((site) => [site.status, site.depth]), [['rewritten', 1], ['rewritten', 1], ['rewritten', 0]]);
});

test('OpenFeature server: get*Details as a constant read by property, and (await …).value', () => {
  checkCleanup(
    `
    import { serverClient } from './clients';
    export async function checkoutPage(): Promise<string> {
      const details = await /*flag*/serverClient.getBooleanDetails('new-checkout', false);
      if (!details.value) return 'multi-step';
      return (await /*flag*/serverClient.getBooleanDetails('new-checkout', false)).value ? 'one-page' : 'steps';
    }
    `,
    `
    export async function checkoutPage(): Promise<string> {
      return 'one-page';
    }
    `,
  );
});

test('OpenFeature: a property only the SDK knew (the reason) leaves the site as written', () => {
  const plan = checkCleanup(
    `
    import { serverClient } from './clients';
    export async function reason(): Promise<string | undefined> {
      const details = await /*flag*/serverClient.getBooleanDetails('new-checkout', false);
      return details.reason;
    }
    `,
    `
    import { serverClient } from './clients';
    export async function reason(): Promise<string | undefined> {
      const details = await serverClient.getBooleanDetails('new-checkout', false);
      return details.reason;
    }
    `,
  );
  assert.equal(plan.sites[0]!.reason, '`.reason` of the OpenFeature evaluation details has no value once the flag is removed');
});

test('ConfigCat: { value, loading } of useFeatureFlag — a constant is never loading', () => {
  checkCleanup(
    `
    import { useFeatureFlag } from 'configcat-react';
    export function Page() {
      const { value: isNewCheckout, loading } = /*flag*/useFeatureFlag('new-checkout', false);
      if (loading) return <p>Loading…</p>;
      return isNewCheckout ? <main>New</main> : <main>Old</main>;
    }
    `,
    `
    export function Page() {
      return <main>New</main>;
    }
    `,
  );
});

test('GrowthBook: useFeature(k).on / .off / .value and evalFeature', () => {
  const plan = checkCleanup(
    `
    import { useFeature } from '@growthbook/growthbook-react';
    import { growthbook } from './clients';
    export function Page() {
      const feature = /*flag*/useFeature('new-checkout');
      if (feature.off) return <main>Old</main>;
      const banner = /*flag*/growthbook.evalFeature('new-checkout').on ? <aside>New</aside> : null;
      return <main>{banner}{/*flag*/useFeature('new-checkout').value ? 'one-page' : 'steps'}</main>;
    }
    `,
    `
    export function Page() {
      const banner = <aside>New</aside>;
      return <main>{banner}{'one-page'}</main>;
    }
    `,
  );
  assert.equal(plan.status, 'cleaned');
});

test('Flagsmith: the entry of useFlags([k, …]) — .enabled, .value with a remote-config value, destructured; other keys stay', () => {
  checkCleanup(
    `
    import { useFlags } from 'flagsmith/react';
    export function Page() {
      const flags = /*flag*/useFlags(['new_checkout', 'dark_mode']);
      const theme = flags.dark_mode.enabled ? 'dark' : 'light';
      return flags.new_checkout.enabled ? <main className={theme}>New</main> : <main>Old</main>;
    }
    `,
    `
    import { useFlags } from 'flagsmith/react';
    export function Page() {
      const flags = useFlags(['dark_mode']);
      const theme = flags.dark_mode.enabled ? 'dark' : 'light';
      return <main className={theme}>New</main>;
    }
    `,
    { key: 'new_checkout' },
  );
  checkCleanup(
    `
    import { useFlags } from 'flagsmith/react';
    export function Layout() {
      const { new_checkout } = /*flag*/useFlags(['new_checkout']);
      return <main className={new_checkout.value === 'compact' ? 'tight' : 'wide'}>New</main>;
    }
    `,
    `
    export function Layout() {
      return <main className="tight">New</main>;
    }
    `,
    { key: 'new_checkout', value: 'compact' },
  );
  checkCleanup(
    `
    import { useFlags } from 'flagsmith/react';
    export function Page() {
      const flags = useFlags(['new_checkout']);
      return /*flag*/flags.new_checkout/*end*/.enabled ? <main>New</main> : <main>Old</main>;
    }
    `,
    `
    export function Page() {
      return <main>New</main>;
    }
    `,
    { key: 'new_checkout' },
  );
});

test('LaunchDarkly: useFlags() fields and variationDetail(…).value on the React and the server SDK', () => {
  checkCleanup(
    `
    import { useFlags, useLDClient } from 'launchdarkly-react-client-sdk';
    import { launchDarkly } from './clients';
    export function Page() {
      const flags = useFlags();
      const detailed = /*flag*/useLDClient()?.variationDetail('new-checkout', false)/*end*/.value;
      return /*flag*/flags.newCheckout/*end*/ && detailed ? <main>New</main> : <main>Old</main>;
    }
    export async function serverSide(): Promise<string> {
      return (await /*flag*/launchDarkly.variationDetail('new-checkout', { key: 'user-1' }, false)).value ? 'one-page' : 'steps';
    }
    `,
    `
    export function Page() {
      return <main>New</main>;
    }
    export async function serverSide(): Promise<string> {
      return 'one-page';
    }
    `,
  );
});

test('Statsig: useFeatureGate(k).value', () => {
  checkCleanup(
    `
    import { useFeatureGate } from '@statsig/react-bindings';
    export function Page() {
      const gate = /*flag*/useFeatureGate('new-checkout');
      return gate.value ? <main>New</main> : <main>Old</main>;
    }
    `,
    `
    export function Page() {
      return <main>New</main>;
    }
    `,
  );
});

test("Unleash: getVariant(k).enabled / .name; off is Unleash's disabled variant", () => {
  const fixture = `
    import { useVariant } from '@unleash/proxy-client-react';
    import { unleash } from './clients';
    export function label(): string {
      const variant = /*flag*/unleash.getVariant('new-checkout');
      return variant.enabled ? \`variant \${variant.name}\` : 'control';
    }
    export function Page() {
      return /*flag*/useVariant('new-checkout').enabled ? <main>New</main> : <main>Old</main>;
    }
    `;
  checkCleanup(
    fixture,
    `
    export function label(): string {
      return \`variant compact\`;
    }
    export function Page() {
      return <main>New</main>;
    }
    `,
    { value: 'compact' },
  );
  checkCleanup(
    fixture,
    `
    export function label(): string {
      return 'control';
    }
    export function Page() {
      return <main>Old</main>;
    }
    `,
    { value: false },
  );
  const enabledWithoutName = checkCleanup(
    `
    import { unleash } from './clients';
    export const label = (): string => /*flag*/unleash.getVariant('new-checkout')/*end*/.name;
    `,
    `
    import { unleash } from './clients';
    export const label = (): string => unleash.getVariant('new-checkout').name;
    `,
  );
  assert.match(enabledWithoutName.sites[0]!.reason!, /`\.name` of the Unleash variant of an enabled flag is not known/);
});

test('Vercel Flags SDK: `await flag()` is the value, and the flag declaration goes once unused', () => {
  const plan = checkCleanup(
    `
    //- /flags.ts
    import { flag } from 'flags/next';
    export const showNewCheckout = flag<boolean>({ key: 'new-checkout', decide: () => false });
    //- /page.tsx
    import { showNewCheckout } from './flags';
    export default async function Page() {
      if (!(await /*flag*/showNewCheckout())) return <main>Old</main>;
      return <main>New</main>;
    }
    `,
    `
    //- /flags.ts
    //- /page.tsx
    export default async function Page() {
      return <main>New</main>;
    }
    `,
  );
  assert.deepEqual(plan.removedDeclarations, ['flags.ts: showNewCheckout']);
});

test('through the scanner and the CLI: OpenFeature, ConfigCat, GrowthBook and Flagsmith results and a Vercel flag, type-checked against the real packages', async () => {
  const { mkdirSync, readFileSync, rmSync, writeFileSync } = await import('node:fs');
  const { join, resolve } = await import('node:path');
  const { runCli } = await import('../../cli/src/main.js');
  const { recordingIo } = await import('../cli/recordingIo.js');
  const repositoryRoot = resolve(__dirname, '../..');
  // Inside the repository, so the workspace resolves the SDK packages from its node_modules.
  const root = join(repositoryRoot, '.cache', `cleanup-shapes-${process.pid}`);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'src'), { recursive: true });
  writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, jsx: 'react-jsx', noEmit: true, target: 'ES2022', lib: ['ES2022', 'DOM'], module: 'ESNext', moduleResolution: 'Bundler', skipLibCheck: true, types: [] }, include: ['src'] }));
  const page = [
    "import { useFlag } from '@openfeature/react-sdk';",
    "import { useFeatureFlag } from 'configcat-react';",
    "import { useFeature } from '@growthbook/growthbook-react';",
    '',
    'export function Page() {',
    "  const { value: darkMode } = useFlag('new-checkout', false);",
    "  const { value: compact, loading } = useFeatureFlag('new-checkout', false);",
    "  if (loading || useFeature('new-checkout').off) return <p>Loading</p>;",
    "  return <main className={darkMode && compact ? 'dark compact' : 'light'}>New</main>;",
    '}',
    '',
  ].join('\n');
  writeFileSync(join(root, 'src/Page.tsx'), page);
  writeFileSync(join(root, 'src/flags.ts'), "import { flag } from 'flags/next';\n\nexport const showNewCheckout = flag<boolean>({ key: 'new-checkout', decide: () => false });\n");
  writeFileSync(
    join(root, 'src/Checkout.tsx'),
    [
      "import { useFlags } from 'flagsmith/react';",
      "import { showNewCheckout } from './flags';",
      '',
      'export function Checkout() {',
      "  const flags = useFlags(['new-checkout', 'dark-mode']);",
      "  return <main className={flags['dark-mode'].enabled ? 'dark' : 'light'}>{flags['new-checkout'].enabled ? 'one page' : 'steps'}</main>;",
      '}',
      '',
      'export async function checkoutPath(): Promise<string> {',
      "  return (await showNewCheckout()) ? '/checkout' : '/cart/checkout';",
      '}',
      '',
    ].join('\n'),
  );
  try {
    const io = recordingIo(repositoryRoot);
    assert.equal(await runCli(['cleanup', 'new-checkout', root, '--value', 'on', '--write', '--format', 'json'], io), 0, io.err);
    const report = JSON.parse(io.out) as { flags: { status: string; typeErrors: unknown[]; sites: { status: string; reason?: string }[] }[] };
    assert.deepEqual(report.flags[0]!.sites.map((site) => site.status), ['rewritten', 'rewritten', 'rewritten', 'rewritten', 'rewritten'], io.out);
    assert.equal(report.flags[0]!.status, 'cleaned');
    assert.equal(readFileSync(join(root, 'src/Page.tsx'), 'utf8'), 'export function Page() {\n  return <main className="dark compact">New</main>;\n}\n');
    assert.equal(
      readFileSync(join(root, 'src/Checkout.tsx'), 'utf8'),
      [
        "import { useFlags } from 'flagsmith/react';",
        '',
        'export function Checkout() {',
        "  const flags = useFlags(['dark-mode']);",
        "  return <main className={flags['dark-mode'].enabled ? 'dark' : 'light'}>{'one page'}</main>;",
        '}',
        '',
        'export async function checkoutPath(): Promise<string> {',
        "  return '/checkout';",
        '}',
        '',
      ].join('\n'),
    );
    assert.equal(readFileSync(join(root, 'src/flags.ts'), 'utf8'), '');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

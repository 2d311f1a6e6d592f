// Wrappers found without configuration (functions, hooks, methods, across files, transitively) and the
// team's own checks from flaglens.yaml (call, receiver.method, argument paths, property, jsx).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check } from './fixture.js';

test('wrappers: hook over useFlags()[k], object method assigned later, class method; across files and transitively', async () => {
  const refs = await check(`
//- /src/flags/useFeature.ts
import { useFlags } from 'launchdarkly-react-client-sdk';
export const useFeature = (key: string) => useFlags()[key];
//- /src/flags/utils.ts
import flagsmith from 'flagsmith';
export const Utils = {} as { getFlagsmithHasFeature(k: string): boolean };
Utils.getFlagsmithHasFeature = (k: string) => flagsmith.hasFeature(k);
//- /src/flags/service.ts
import { OpenFeature } from '@openfeature/server-sdk';
export class FlagService {
  private client = OpenFeature.getClient();
  isOn(flag: string, fallback = false) { return this.client.getBooleanValue(flag, fallback); }
  isNewCheckout() { return this.isOn(/*<new-checkout>*/'new-checkout'); }
}
export const flagService = new FlagService();
//- /src/flags/outer.ts
import { useFeature } from './useFeature';
export function useGate(name: string) { return Boolean(useFeature(name)); }
//- /src/pages/Home.tsx
import { useFeature } from '../flags/useFeature';
import { useGate } from '../flags/outer';
export function Home() {
  return useFeature(/*<home-banner>*/'home-banner') && useGate(/*<gated>*/'gated');
}
//- /src/pages/Other.ts
import { Utils } from '../flags/utils';
import { flagService, FlagService } from '../flags/service';
export function other(service: FlagService) {
  return Utils.getFlagsmithHasFeature(/*<fs-wrapped>*/'fs-wrapped') && flagService.isOn(/*<svc-flag>*/'svc-flag', true) && service.isOn(/*<typed-svc>*/'typed-svc');
}
`);
  const gated = refs.find((r) => r.key === 'gated')!;
  assert.equal(gated.sdk, 'wrapper');
  assert.deepEqual(gated.via, ['useGate', 'useFeature']);
  assert.equal(gated.call, 'useGate');
  assert.deepEqual(refs.find((r) => r.key === 'fs-wrapped')?.via, ['Utils.getFlagsmithHasFeature']);
  assert.equal(refs.find((r) => r.key === 'svc-flag')?.default, true);
  assert.deepEqual(refs.find((r) => r.key === 'new-checkout')?.via, ['isOn']);
});

test('a wrapper called with a dynamic key is reported unresolved at the call', async () => {
  await check(`
//- /src/flag.ts
import { isEnabled } from 'unleash-client';
export function flag(name: string) { return isEnabled(name); }
//- /src/use.ts
import { flag } from './flag';
export const run = (x: string) => flag(/*<!dynamic expression>*/x.trim()) || flag(/*<ok>*/'ok');
//- /src/outer.ts
import { run } from './use';
export const notAWrapper = run('x'); // run's key is not its parameter: no reference here
`);
});

test('custom checks: call, receiver.method (also deeper receivers), argument paths, property, jsx', async () => {
  const refs = await check(
    `
//- /src/custom.tsx
const KEY = 'const-key';
export function C({ uiConfig, x }: any) {
  useUiFlag(/*<ui-flag>*/'ui-flag');
  this_.flagResolver.isEnabled(/*<resolver-deep>*/'resolver-deep');
  flagResolver.isEnabled(/*<const-key>*/KEY);
  GetFeatureFlagCommand.create({ key: /*<command-key>*/'command-key', other: 1 });
  const a = uiConfig.flags./*<newThing>*/newThing;
  const b = x.uiConfig.flags[/*<bracketed>*/'bracketed'];
  const { flags } = uiConfig;
  const c = flags./*<destructured>*/destructured;
  const { /*<pattern>*/pattern } = uiConfig.flags;
  return <BetaFlag flagName=/*<beta>*/"beta">{a}{b}{c}{pattern}</BetaFlag>;
}
declare const this_: any, flagResolver: any, GetFeatureFlagCommand: any, useUiFlag: any, BetaFlag: any;
`,
    {
      config: `checks:
  - call: useUiFlag
  - call: flagResolver.isEnabled
    key: 0
  - call: GetFeatureFlagCommand.create
    key: 0.key
  - property: uiConfig.flags
  - jsx: BetaFlag
    attribute: flagName
`,
    },
  );
  assert.ok(refs.every((r) => r.sdk === 'custom'));
  assert.equal(refs.find((r) => r.key === 'const-key')?.call, 'flagResolver.isEnabled');
  assert.equal(refs.find((r) => r.key === 'newThing')?.call, 'uiConfig.flags');
});

test('custom call checks with a default argument', async () => {
  const refs = await check(`export const v = getFlag(/*<with-default>*/'with-default', { a: 1 });\ndeclare const getFlag: any;\n`, {
    config: 'checks:\n  - call: getFlag\n    default: 1\n',
  });
  assert.deepEqual(refs[0].default, { a: 1 });
});

test('negative: unrelated isEnabled, local shadowing of SDK names, untyped clients', async () => {
  await check(`
import { useFlag } from '@unleash/proxy-client-react';
import { OpenFeature } from '@openfeature/server-sdk';
class Feature { isEnabled(_k: string) { return true; } }
const feature = new Feature();
feature.isEnabled('not-a-flag');
export function Shadow(useFlag: (k: string) => boolean) {
  return useFlag('shadowed-parameter');
}
export function Shadow2() {
  const OpenFeature = { getClient: () => ({ getBooleanValue: (k: string, d: boolean) => d }) };
  return OpenFeature.getClient().getBooleanValue('shadowed-local', false);
}
const settings = { getBooleanValue: (k: string, d: boolean) => d };
settings.getBooleanValue('lookalike', true);
export const ok = useFlag(/*<real>*/'real');
`);
});

test('wrapper components and object parameters: <FeatureGate flag="x">, ({ flag }) and props.flag', async () => {
  const refs = await check(`
//- /src/FeatureGate.tsx
import { useFlag } from '@unleash/proxy-client-react';
export function FeatureGate({ flag, children }: { flag: string; children: any }) {
  return useFlag(flag) ? children : null;
}
export const Gate2 = (props: { name: string }) => (useFlag(props.name) ? <b /> : null);
export const check = (options: { key: string }) => useFlag(options.key);
//- /src/App.tsx
import { FeatureGate, Gate2, check } from './FeatureGate';
const KEYS = { BETA: 'beta-page' } as const;
export const App = () => (
  <>
    <FeatureGate flag=/*<new-nav>*/"new-nav"><nav /></FeatureGate>
    <FeatureGate flag={/*<beta-page>*/KEYS.BETA}><main /></FeatureGate>
    <Gate2 name=/*<gate-two>*/"gate-two" />
    {check({ key: /*<object-arg>*/'object-arg' })}
  </>
);
`);
  const nav = refs.find((r) => r.key === 'new-nav')!;
  assert.equal(nav.sdk, 'wrapper');
  assert.deepEqual(nav.via, ['FeatureGate']);
});

test('a default-exported wrapper imported under another name is found (the prefilter follows the module name)', async () => {
  await check(`
//- /src/hooks/flagHook.ts
import { useFlags } from 'launchdarkly-react-client-sdk';
export default (key: string) => useFlags()[key];
//- /src/pages/Page.tsx
import useIt from '../hooks/flagHook';
export const Page = () => useIt(/*<renamed-default>*/'renamed-default');
`);
});

test('wrapper keys through local const aliases, default parameters, object-parameter fields and templates', async () => {
  const refs = await check(`
//- /src/flags.ts
import { OpenFeature } from '@openfeature/web-sdk';
const client = OpenFeature.getClient();
export function isOn(flagKey: string) {
  const key = flagKey;
  return client.getBooleanValue(key, false);
}
export function useBeta(name = 'beta-default', fallback = true) {
  return client.getBooleanValue(name, fallback);
}
export function gate(options: { flag: string; fallback?: boolean }) {
  const { flag } = options;
  return client.getBooleanValue(flag, options.fallback ?? false);
}
export const teamFlag = (team: string) => client.getBooleanValue(/*<!dynamic expression>*/\`team-\${team}\`, false);
//- /src/use.ts
import { isOn, useBeta, gate, teamFlag } from './flags';
export function run(dynamicTeam: string) {
  return [
    isOn(/*<aliased>*/'aliased'),
    useBeta(/*<explicit>*/'explicit'),
    /*<beta-default>*/useBeta(),
    gate({ flag: /*<object-field>*/'object-field' }),
    teamFlag(/*<team-search>*/'search'),
    teamFlag(/*<!dynamic expression>*/dynamicTeam.trim()),
  ];
}
`);
  const byExpression = (text: string) => refs.find((reference) => reference.keyExpression === text)!;
  assert.equal(byExpression("'explicit'").default, true, "the wrapper's own default parameter is the default when the call leaves it out");
  assert.equal(byExpression('useBeta').key, 'beta-default');
  assert.equal(byExpression('dynamicTeam.trim()').keyPattern, 'team-*');
  assert.deepEqual(byExpression("'search'").via, ['teamFlag']);
  assert.equal(byExpression('`team-${team}`').keyPattern, 'team-*', 'the template wrapper itself shows the keys it makes');
});

test('a wrapper defined in one workspace package is found at its call sites in another (no node_modules)', async () => {
  await check(`
//- /package.json
{ "name": "mono", "private": true, "workspaces": ["packages/*"] }
//- /packages/flags/package.json
{ "name": "@mono/flags", "exports": { ".": { "types": "./dist/index.d.ts", "default": "./dist/index.js" } } }
//- /packages/flags/tsconfig.json
{ "compilerOptions": { "outDir": "dist", "rootDir": "src" } }
//- /packages/flags/src/index.ts
export { useFeature } from './useFeature';
//- /packages/flags/src/useFeature.ts
import { useFlag } from '@unleash/proxy-client-react';
export function useFeature(name: string) { return useFlag(name); }
//- /packages/web/package.json
{ "name": "@mono/web", "dependencies": { "@mono/flags": "workspace:*" } }
//- /packages/web/src/Page.tsx
import { useFeature } from '@mono/flags';
export const Page = () => (useFeature(/*<cross-package>*/'cross-package') ? <b /> : null);
`);
});

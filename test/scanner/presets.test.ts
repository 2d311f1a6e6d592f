// Every built-in SDK preset: calls, hooks, JSX, clients created in many ways, defaults and key styles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check } from './fixture.js';

test('OpenFeature: client from getClient(), every typed getter, defaults recorded', async () => {
  const refs = await check(`
import { OpenFeature } from '@openfeature/server-sdk';
const client = OpenFeature.getClient();
export async function run() {
  await client.getBooleanValue(/*<new-checkout>*/'new-checkout', false);
  await client.getStringValue(/*<theme>*/\`theme\`, 'light');
  await client.getNumberValue(/*<limit>*/"limit", -5);
  await client.getObjectValue(/*<layout>*/'layout', { columns: 2, dense: true });
  await client.getBooleanDetails(/*<details-flag>*/'details-flag', computeDefault());
}
function computeDefault() { return true; }
`);
  const byKey = Object.fromEntries(refs.map((r) => [r.key, r]));
  assert.equal(byKey['new-checkout'].sdk, 'openfeature');
  assert.equal(byKey['new-checkout'].call, 'getBooleanValue');
  assert.equal(byKey['new-checkout'].default, false);
  assert.equal(byKey['theme'].default, 'light');
  assert.equal(byKey['limit'].default, -5);
  assert.deepEqual(byKey['layout'].default, { columns: 2, dense: true });
  assert.equal(byKey['details-flag'].default, undefined);
  assert.equal(byKey['details-flag'].defaultExpression, 'computeDefault()');
});

test('OpenFeature: check span is the whole call expression', async () => {
  const source = `import { OpenFeature } from '@openfeature/web-sdk';\nconst on = OpenFeature.getClient().getBooleanValue(/*<a>*/'a', true);\n`;
  const [ref] = await check(source);
  const plain = source.replace('/*<a>*/', '');
  assert.equal(plain.slice(ref.checkStart, ref.checkEnd), `OpenFeature.getClient().getBooleanValue('a', true)`);
  assert.equal(ref.default, true);
});

test('OpenFeature React hooks', async () => {
  await check(`
import { useFlag, useBooleanFlagValue, useStringFlagDetails, useSuspenseFlag } from '@openfeature/react-sdk';
export function Page() {
  const { value } = useFlag(/*<a>*/'a', false);
  const b = useBooleanFlagValue(/*<b>*/'b', false);
  const c = useStringFlagDetails(/*<c>*/'c', 'x');
  const d = useSuspenseFlag(/*<d>*/'d', 1);
  return value && b && c && d;
}
`);
});

test('OpenFeature: client in a class field and a typed parameter', async () => {
  await check(`
import { OpenFeature, Client } from '@openfeature/server-sdk';
export class Service {
  private client;
  constructor() { this.client = OpenFeature.getClient('svc'); }
  go() { return this.client.getBooleanValue(/*<field-flag>*/'field-flag', false); }
}
export function decide(client: Client) {
  return client.getNumberValue(/*<typed-flag>*/'typed-flag', 3);
}
export class Other {
  constructor(private readonly flags: Client) {}
  go() { return this.flags.getStringValue(/*<param-property>*/'param-property', ''); }
}
`);
});

test('LaunchDarkly server: init() client, default is the third argument', async () => {
  const refs = await check(`
import * as LaunchDarkly from '@launchdarkly/node-server-sdk';
const ld = LaunchDarkly.init(process.env.SDK_KEY!);
export async function handler(context: LaunchDarkly.LDContext) {
  await ld.variation(/*<new-checkout>*/'new-checkout', context, false);
  await ld.boolVariation(/*<dark-mode>*/'dark-mode', context, true);
  await ld.jsonVariationDetail(/*<json-flag>*/'json-flag', context, null);
}
`);
  assert.equal(refs[0].default, false);
  assert.deepEqual(refs.map((r) => r.default).sort(), [false, null, true].sort());
});

test('LaunchDarkly client SDK: variation(key, default)', async () => {
  const refs = await check(`
import { initialize } from 'launchdarkly-js-client-sdk';
const client = initialize('id', { kind: 'user', key: 'u' });
export const on = client.variation(/*<client-flag>*/'client-flag', 'fallback');
`);
  assert.equal(refs[0].default, 'fallback');
});

test('LaunchDarkly React: useFlags() property, destructuring, element access, useLDClient()', async () => {
  const refs = await check(`
import { useFlags, useLDClient } from 'launchdarkly-react-client-sdk';
export function Banner() {
  const flags = useFlags();
  const { /*<newCheckout>*/newCheckout, /*<darkMode>*/darkMode: dark } = useFlags();
  const ld = useLDClient();
  const x = ld?.variation(/*<client-side>*/'client-side', false) && !flags.hasOwnProperty('a-method-not-a-flag');
  return flags./*<showBanner>*/showBanner && useFlags()[/*<brandNew>*/'brandNew'] && newCheckout && dark && x;
}
`);
  const camel = refs.filter((r) => r.call === 'useFlags');
  assert.equal(camel.length, 4);
  for (const r of camel) {
    assert.equal(r.keyStyle, 'camelCase');
    assert.equal(r.sdk, 'launchdarkly');
  }
  assert.equal(refs.find((r) => r.key === 'client-side')?.keyStyle, undefined);
});

test('Unleash server: isEnabled/getVariant with fallback; named function imports; React hooks', async () => {
  const refs = await check(`
//- /src/server.ts
import { initialize, isEnabled } from 'unleash-client';
const unleash = initialize({ url: 'http://u', appName: 'a' });
export const a = unleash.isEnabled(/*<server-flag>*/'server-flag', { userId: '1' }, true);
export const b = unleash.getVariant(/*<variant-flag>*/'variant-flag');
export const c = isEnabled(/*<global-flag>*/'global-flag');
//- /src/ui.tsx
import { useFlag, useVariant, useUnleashClient } from '@unleash/proxy-client-react';
export function Ui() {
  const enabled = useFlag(/*<ui-flag>*/'ui-flag');
  const variant = useVariant(/*<ui-variant>*/'ui-variant');
  const client = useUnleashClient();
  return enabled && variant && client.isEnabled(/*<ui-client>*/'ui-client');
}
`);
  assert.equal(refs.find((r) => r.key === 'server-flag')?.default, true);
  assert.ok(refs.every((r) => r.sdk === 'unleash'));
});

test('GrowthBook: client methods, React hooks, JSX components', async () => {
  const refs = await check(`
//- /src/gb.ts
import { GrowthBook } from '@growthbook/growthbook';
export const gb = new GrowthBook({ apiHost: 'h' });
export const a = gb.isOn(/*<gb-on>*/'gb-on') && gb.isOff(/*<gb-off>*/'gb-off');
export const b = gb.getFeatureValue(/*<gb-value>*/'gb-value', 10);
export const c = gb.evalFeature(/*<gb-eval>*/'gb-eval').on && gb.feature(/*<gb-feature>*/'gb-feature');
//- /src/App.tsx
import { useFeatureIsOn, useFeatureValue, useFeature, IfFeatureEnabled, FeatureString, useGrowthBook } from '@growthbook/growthbook-react';
export function App() {
  const on = useFeatureIsOn(/*<hook-on>*/'hook-on');
  const value = useFeatureValue(/*<hook-value>*/'hook-value', 'blue');
  const f = useFeature(/*<hook-feature>*/'hook-feature');
  const growthbook = useGrowthBook();
  const z = growthbook?.isOn(/*<hook-client>*/'hook-client');
  return (
    <div>
      <IfFeatureEnabled feature=/*<jsx-flag>*/"jsx-flag"><b>{on}{value}{f}{z}</b></IfFeatureEnabled>
      <FeatureString feature={/*<jsx-string>*/'jsx-string'} default="x" />
    </div>
  );
}
`);
  const jsx = refs.find((r) => r.key === 'jsx-flag')!;
  assert.equal(jsx.call, 'IfFeatureEnabled');
  assert.equal(refs.find((r) => r.key === 'jsx-string')?.default, 'x');
  assert.equal(refs.find((r) => r.key === 'gb-value')?.default, 10);
});

test('GrowthBook JSX check span is the whole element', async () => {
  const source = `//- /src/a.tsx\nimport { IfFeatureEnabled } from '@growthbook/growthbook-react';\nexport const x = <IfFeatureEnabled feature=/*<f>*/"f"><i /></IfFeatureEnabled>;\n`;
  const [ref] = await check(source);
  const text = `import { IfFeatureEnabled } from '@growthbook/growthbook-react';\nexport const x = <IfFeatureEnabled feature="f"><i /></IfFeatureEnabled>;\n`;
  assert.equal(text.slice(ref.checkStart, ref.checkEnd), '<IfFeatureEnabled feature="f"><i /></IfFeatureEnabled>');
});

test('Flagsmith, ConfigCat, Statsig, PostHog', async () => {
  const refs = await check(`
//- /src/flagsmith.ts
import flagsmith from 'flagsmith';
export const a = flagsmith.hasFeature(/*<fs-feature>*/'fs-feature') && flagsmith.getValue(/*<fs-value>*/'fs-value');
//- /src/configcat.ts
import * as configcat from 'configcat-node';
const client = configcat.getClient('key');
export const b = client.getValueAsync(/*<cc-flag>*/'cc-flag', false);
//- /src/statsig-server.ts
import Statsig from 'statsig-node';
export const c = Statsig.checkGate({ userID: '1' }, /*<server-gate>*/'server-gate');
//- /src/statsig-client.ts
import { StatsigClient } from '@statsig/js-client';
const statsig = new StatsigClient('key', {});
export const d = statsig.checkGate(/*<client-gate>*/'client-gate') && statsig.getExperiment(/*<exp>*/'exp');
//- /src/posthog.tsx
import posthog from 'posthog-js';
import { useFeatureFlagEnabled, useFeatureFlagVariantKey } from 'posthog-js/react';
export const e = posthog.isFeatureEnabled(/*<ph-flag>*/'ph-flag') && posthog.getFeatureFlag(/*<ph-variant>*/'ph-variant');
export function P() { return useFeatureFlagEnabled(/*<ph-hook>*/'ph-hook') && useFeatureFlagVariantKey(/*<ph-key>*/'ph-key'); }
`);
  assert.equal(refs.find((r) => r.key === 'cc-flag')?.default, false);
  assert.deepEqual([...new Set(refs.map((r) => r.sdk))].sort(), ['configcat', 'flagsmith', 'posthog', 'statsig']);
});

test('CommonJS require of an SDK', async () => {
  await check(`
//- /src/legacy.js
const { initialize } = require('unleash-client');
const unleash = initialize({ url: 'u' });
module.exports = () => unleash.isEnabled(/*<cjs-flag>*/'cjs-flag');
`);
});

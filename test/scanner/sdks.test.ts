// SDK coverage beyond the first presets, each form as its documentation shows it: package variants and
// deep imports, Flagsmith React's useFlags([...]), the Vercel Flags SDK (declarations are not checks,
// uses are), DevCycle, OpenFeature's NestJS decorators and CLI-generated accessors, Split, Optimizely, Eppo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check } from './fixture.js';

test('Flagsmith: @flagsmith/flagsmith, flagsmith/isomorphic, flagsmith-nodejs flags, React useFlags([...]) (each element)', async () => {
  const refs = await check(`
//- /src/web.ts
import flagsmith from '@flagsmith/flagsmith';
export const a = flagsmith.hasFeature(/*<new_nav>*/'new_nav');
export const b = flagsmith.getValue(/*<font_size>*/'font_size');
//- /src/ssr.ts
import flagsmith from 'flagsmith/isomorphic';
export const c = flagsmith.hasFeature(/*<ssr_flag>*/'ssr_flag');
//- /src/server.ts
import Flagsmith from 'flagsmith-nodejs';
const flagsmith = new Flagsmith({ environmentKey: 'key' });
export async function handler() {
  const flags = await flagsmith.getEnvironmentFlags();
  return flags.isFeatureEnabled(/*<secret_button>*/'secret_button') && flags.getFeatureValue(/*<button_colour>*/'button_colour');
}
//- /src/App.tsx
import { useFlags, useFlagsmith } from 'flagsmith/react';
export function App() {
  const flags = useFlags([/*<hero>*/'hero', /*<pricing_v2>*/'pricing_v2'], ['plan']);
  const client = useFlagsmith();
  return flags.hero.enabled && client.hasFeature(/*<from_hook_client>*/'from_hook_client');
}
`);
  assert.ok(refs.every((reference) => reference.sdk === 'flagsmith'));
});

test('deep imports of SDK packages: unleash-client/lib/…, posthog-js/dist/…', async () => {
  await check(`
import { Unleash } from 'unleash-client/lib/unleash';
import posthog from 'posthog-js/dist/module';
const unleash = new Unleash({ url: 'http://127.0.0.1:4242/api', appName: 'app' });
export const a = unleash.isEnabled(/*<deep-unleash>*/'deep-unleash');
export const b = posthog.isFeatureEnabled(/*<deep-posthog>*/'deep-posthog');
`);
});

test('Vercel Flags SDK: flag() declares (no check); await f(), f.run(), evaluate([..]) and precompute([..]) are uses with key and default', async () => {
  const refs = await check(`
//- /flags.ts
import { flag } from 'flags/next';
import { flag as legacyFlag } from '@vercel/flags/next';
export const showBanner = flag<boolean>({ key: 'show-banner', defaultValue: false, decide() { return false; } });
export const summerSale = flag({ key: 'summer-sale', defaultValue: true, decide: () => true });
export const legacy = legacyFlag({ key: 'legacy-flag', decide: () => false });
export const marketingFlags = [showBanner, summerSale] as const;
//- /app/page.tsx
import { evaluate, precompute } from 'flags/next';
import { showBanner, summerSale, legacy, marketingFlags } from '../flags';
export default async function Page() {
  const banner = await /*<show-banner>*/showBanner();
  const sale = await /*<summer-sale>*/summerSale.run({ identify: { user: 'u' } });
  const [a, b] = await evaluate([/*<show-banner>*/showBanner, /*<legacy-flag>*/legacy]);
  const code = await precompute([/*<summer-sale>*/summerSale]);
  const all = await precompute(marketingFlags);
  return [banner, sale, a, b, code, all];
}
//- /app/layout.tsx
import { showBanner } from '../flags';
export default async function Layout() { return (await /*<show-banner>*/showBanner()) ? 'banner' : null; }
`);
  // A file that never names the SDK: the declared flags' names are prefilter triggers.
  assert.ok(refs.some((reference) => reference.file === 'app/layout.tsx' && reference.key === 'show-banner'));
  const banner = refs.find((reference) => reference.keyExpression === 'showBanner' && reference.call === 'showBanner')!;
  assert.equal(banner.sdk, 'vercel');
  assert.equal(banner.default, false);
  assert.equal(refs.find((reference) => reference.call === 'summerSale.run')?.default, true);
});

test('DevCycle: React hooks, server variableValue(user, key, default), browser client variableValue(key, default)', async () => {
  const refs = await check(`
//- /src/App.tsx
import { useVariableValue, useVariable } from '@devcycle/react-client-sdk';
export function App() {
  const show = useVariableValue(/*<show-feature>*/'show-feature', false);
  const variable = useVariable(/*<hero-text>*/'hero-text', 'Welcome');
  return show && variable.value;
}
//- /src/server.ts
import { initializeDevCycle } from '@devcycle/nodejs-server-sdk';
export async function handler(user: { user_id: string }) {
  const devcycleClient = await initializeDevCycle('server-key').onClientInitialized();
  return devcycleClient.variableValue(user, /*<server-flag>*/'server-flag', false) && devcycleClient.variable(user, /*<server-var>*/'server-var', 'x');
}
//- /src/browser.ts
import { initializeDevCycle } from '@devcycle/js-client-sdk';
const client = initializeDevCycle('client-key', { user_id: 'u' });
export const on = client.variableValue(/*<browser-flag>*/'browser-flag', true);
`);
  assert.equal(refs.find((reference) => reference.key === 'server-flag')?.default, false);
  assert.equal(refs.find((reference) => reference.key === 'browser-flag')?.default, true);
  assert.equal(refs.find((reference) => reference.key === 'hero-text')?.default, 'Welcome');
});

test('OpenFeature NestJS decorators: @BooleanFeatureFlag({ flagKey, defaultValue }) and friends, @RequireFlagsEnabled({ flags: [...] })', async () => {
  const refs = await check(`
import { Controller, Get } from '@nestjs/common';
import { BooleanFeatureFlag, StringFeatureFlag, RequireFlagsEnabled, type EvaluationDetails } from '@openfeature/nestjs-sdk';
import type { Observable } from 'rxjs';
@Controller()
@RequireFlagsEnabled({ flags: [{ flagKey: /*<controller-gate>*/'controller-gate' }] })
export class AppController {
  @Get('/welcome')
  @RequireFlagsEnabled({ flags: [{ flagKey: /*<new-welcome>*/'new-welcome' }, { flagKey: /*<second-gate>*/'second-gate', defaultValue: true }] })
  welcome(
    @BooleanFeatureFlag({ flagKey: /*<new-welcome-message>*/'new-welcome-message', defaultValue: false }) feature: Observable<EvaluationDetails<boolean>>,
    @StringFeatureFlag({ flagKey: /*<greeting>*/'greeting', defaultValue: 'hi' }) greeting: Observable<EvaluationDetails<string>>,
  ) { return [feature, greeting]; }
}
`);
  assert.equal(refs.find((reference) => reference.key === 'new-welcome-message')?.default, false);
  assert.equal(refs.find((reference) => reference.key === 'greeting')?.default, 'hi');
});

test('OpenFeature CLI generated code: accessors recognised by their own SDK calls and keys; their calls are references', async () => {
  const refs = await check(`
//- /src/generated/openfeature.ts
'use client';
import { type ReactFlagEvaluationOptions, useFlag, useSuspenseFlag } from '@openfeature/react-sdk';
export const useEnableFeatureA = (options?: ReactFlagEvaluationOptions) => {
  return useFlag(/*<enableFeatureA>*/"enableFeatureA", false, options);
};
export const useSuspenseDiscountPercentage = (options?: ReactFlagEvaluationOptions) => {
  return useSuspenseFlag(/*<discountPercentage>*/"discountPercentage", 0.15, options);
};
//- /src/generated/server.ts
import { OpenFeature, type EvaluationContext, type FlagEvaluationOptions } from '@openfeature/server-sdk';
export const FlagKeys = { EnableFeatureA: "enableFeatureA", GreetingMessage: "greetingMessage" } as const;
export interface GeneratedClient { enableFeatureA(context?: EvaluationContext): Promise<boolean>; greetingMessage(context?: EvaluationContext): Promise<string> }
export function getGeneratedClient(domain?: string): GeneratedClient {
  const client = domain ? OpenFeature.getClient(domain) : OpenFeature.getClient();
  return {
    enableFeatureA: (context?: EvaluationContext, options?: FlagEvaluationOptions): Promise<boolean> => {
      return client.getBooleanValue(/*<enableFeatureA>*/FlagKeys.EnableFeatureA, false, context, options);
    },
    greetingMessage: (context?: EvaluationContext, options?: FlagEvaluationOptions): Promise<string> => {
      return client.getStringValue(/*<greetingMessage>*/FlagKeys.GreetingMessage, "Hello", context, options);
    },
  };
}
//- /src/App.tsx
import { useEnableFeatureA, useSuspenseDiscountPercentage } from './generated/openfeature';
export function App() {
  const { value: enabled } = /*<enableFeatureA>*/useEnableFeatureA();
  const { value: discount } = /*<discountPercentage>*/useSuspenseDiscountPercentage({ suspend: true });
  return enabled && discount;
}
//- /src/handler.ts
import { getGeneratedClient } from './generated/server';
export async function handle(ctx: object) {
  const flags = getGeneratedClient();
  return (await getGeneratedClient()./*<enableFeatureA>*/enableFeatureA(ctx)) && flags./*<greetingMessage>*/greetingMessage(ctx);
}
`);
  const generatedUse = refs.find((reference) => reference.file === 'src/App.tsx' && reference.key === 'discountPercentage')!;
  assert.equal(generatedUse.sdk, 'wrapper');
  assert.equal(generatedUse.default, 0.15);
  assert.deepEqual(generatedUse.via, ['useSuspenseDiscountPercentage']);
});

test('Split: server getTreatment(key, name), browser getTreatment(name, attributes), getTreatments([...]), React useSplitTreatments({ names })', async () => {
  const refs = await check(`
//- /src/server.ts
import { SplitFactory } from '@splitsoftware/splitio';
const factory = SplitFactory({ core: { authorizationKey: 'key' } });
const client = factory.client();
export const t = client.getTreatment('user-1', /*<new_checkout>*/'new_checkout');
export const w = client.getTreatmentWithConfig('user-1', /*<with_config>*/'with_config', { plan: 'pro' });
export const many = client.getTreatments('user-1', [/*<split_a>*/'split_a', /*<split_b>*/'split_b']);
//- /src/browser.ts
import { SplitFactory } from '@splitsoftware/splitio-browserjs';
const browserClient = SplitFactory({ core: { authorizationKey: 'key', key: 'user-1' } }).client();
export const b = browserClient.getTreatment(/*<browser_split>*/'browser_split', { plan: 'pro' });
export const c = browserClient.getTreatment(/*<alone>*/'alone');
//- /src/App.tsx
import { useSplitTreatments, SplitTreatments } from '@splitsoftware/splitio-react';
export function App() {
  const { treatments } = useSplitTreatments({ names: [/*<react_split>*/'react_split'] });
  return <SplitTreatments names={[/*<component_split>*/'component_split']}>{() => treatments}</SplitTreatments>;
}
`);
  assert.ok(refs.every((reference) => reference.sdk === 'split'));
});

test('Optimizely: decide on a user context, decideForKeys, React useDecision', async () => {
  await check(`
//- /src/server.ts
import { createInstance } from '@optimizely/optimizely-sdk';
const optimizely = createInstance({ sdkKey: 'key' });
export function sort(userId: string) {
  const user = optimizely!.createUserContext(userId, { plan: 'pro' });
  return user!.decide(/*<product_sort>*/'product_sort').enabled && user!.decideForKeys([/*<flag_a>*/'flag_a', /*<flag_b>*/'flag_b']);
}
//- /src/App.tsx
import { useDecision } from '@optimizely/react-sdk';
export function App() {
  const [decision] = useDecision(/*<react_flag>*/'react_flag');
  return decision.enabled;
}
`);
});

test('Eppo: get*Assignment(flagKey, subject, attributes, default) on the client from init/getInstance', async () => {
  const refs = await check(`
import { init, getInstance } from '@eppo/js-client-sdk';
import * as EppoNode from '@eppo/node-server-sdk';
export async function assign(subject: string) {
  await init({ apiKey: 'key' });
  const client = getInstance();
  const a = client.getBooleanAssignment(/*<eppo-bool>*/'eppo-bool', subject, {}, false);
  const b = getInstance().getStringAssignment(/*<eppo-string>*/'eppo-string', subject, { country: 'US' }, 'control');
  const c = EppoNode.getInstance().getNumericAssignment(/*<eppo-number>*/'eppo-number', subject, {}, 1.5);
  const d = client.getJSONAssignment(/*<eppo-json>*/'eppo-json', subject, {}, { a: 1 });
  return [a, b, c, d];
}
`);
  assert.equal(refs.find((reference) => reference.key === 'eppo-string')?.default, 'control');
  assert.equal(refs.find((reference) => reference.key === 'eppo-number')?.default, 1.5);
});

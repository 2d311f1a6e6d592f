// Clients and flag objects carried by declared types: interface and type-alias fields (imported from
// another file or workspace package), component props (FC<Props>, PropsWithChildren<Props>, ({ gb }: Props)),
// contextually typed callbacks, class fields and return types. Files using such types are parsed even
// when they never name the SDK (the types' names are prefilter triggers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, scanFixture } from './fixture.js';

test('a typed prop destructured in a callback typed by an interface in another file (the file never names the SDK)', async () => {
  const refs = await check(`
//- /src/types/route.ts
import type { GrowthBook } from '@growthbook/growthbook';
export interface FilterContext { gb?: GrowthBook; path: string }
export interface RouteConfig { path: string; filter?: (context: FilterContext) => boolean }
//- /src/routes.ts
import type { RouteConfig } from './types/route';
export const routes: RouteConfig[] = [
  { path: '/beta', filter: ({ gb }) => Boolean(gb?.isOn(/*<beta-page>*/'beta-page')) },
  { path: '/new', filter: (context) => context.gb?.isOff(/*<old-page>*/'old-page') ?? false },
];
`);
  assert.ok(refs.every((reference) => reference.sdk === 'growthbook'));
});

test('component props: FC<Props>, PropsWithChildren<Props>, ({ gb }: Props), props.client, with Props imported', async () => {
  await check(`
//- /src/props.ts
import { GrowthBook } from '@growthbook/growthbook';
import type { Client } from '@openfeature/web-sdk';
export type BannerProps = { gb: GrowthBook; title: string };
export interface PanelProps extends Omit<BannerProps, 'title'> { client: Client }
//- /src/Banner.tsx
import type { FC, PropsWithChildren } from 'react';
import React from 'react';
import type { BannerProps, PanelProps } from './props';
export const Banner: FC<BannerProps> = ({ gb, title }) => (gb.isOn(/*<fc-props>*/'fc-props') ? <h1>{title}</h1> : null);
export const Wrapper: React.FC<PropsWithChildren<BannerProps>> = ({ gb, children }) => (gb.isOn(/*<with-children>*/'with-children') ? <>{children}</> : null);
export function Direct({ gb }: BannerProps) { return gb.getFeatureValue(/*<direct-props>*/'direct-props', 'x'); }
export function Panel(props: PanelProps) {
  return props.client.getBooleanValue(/*<props-member>*/'props-member', false) && props.gb.isOn(/*<inherited-member>*/'inherited-member');
}
`);
});

test('return types, class fields and this.x typed with SDK types; a type alias of an SDK type', async () => {
  await check(`
//- /src/client.ts
import type { LDClient } from '@launchdarkly/node-server-sdk';
import { init } from '@launchdarkly/node-server-sdk';
export type FlagClient = LDClient;
let client: LDClient | undefined;
export function getClient(): FlagClient { return (client ??= init('sdk-key')); }
export async function ready(): Promise<LDClient> { return getClient(); }
//- /src/service.ts
import { getClient, ready, type FlagClient } from './client';
export class Checkout {
  private readonly flags: FlagClient;
  constructor() { this.flags = lookup(); }
  run(ctx: object) { return this.flags.variation(/*<field-typed>*/'field-typed', ctx, false); }
}
declare function lookup(): any;
export const a = getClient().variation(/*<returned>*/'returned', {}, true);
export async function b() { return (await ready()).boolVariation(/*<awaited>*/'awaited', {}, false); }
`);
});

test('an interface carrying an SDK type from a workspace package is a trigger: its users are parsed and matched', async () => {
  const { result } = await scanFixture(`
//- /package.json
{ "name": "mono", "workspaces": ["packages/*"] }
//- /packages/ui/package.json
{ "name": "@mono/ui", "types": "dist/index.d.ts" }
//- /packages/ui/src/index.ts
import type { GrowthBook } from '@growthbook/growthbook';
export interface FeatureProps { growthbook: GrowthBook }
//- /packages/app/package.json
{ "name": "@mono/app" }
//- /packages/app/src/Page.tsx
import type { FeatureProps } from '@mono/ui';
export const Page = ({ growthbook }: FeatureProps) => growthbook.isOn('across-packages');
`);
  assert.deepEqual(result.references.map((reference) => [reference.file, reference.key]), [['packages/app/src/Page.tsx', 'across-packages']]);
});

test('negative: a field of the same name typed with something else, or untyped, is no client', async () => {
  await check(`
import type { GrowthBook } from '@growthbook/growthbook';
interface Props { gb: { isOn(k: string): boolean }; other: GrowthBook }
export const A = ({ gb }: Props) => gb.isOn('not-an-sdk-client');
export const B = ({ gb }: { gb: any }) => gb.isOn('untyped');
export const C = (props: Props) => props.other.isOn(/*<typed-other>*/'typed-other');
`);
});

// The built-in SDK presets in one table: which packages belong to which SDK, which calls, hooks and JSX
// components are flag checks, and where their key and fallback arguments are. The analyser matches a
// preset only when the callee traces to one of the SDK's packages.
import type { SdkId } from '../model.js';

/** Where a check's key and default are, given the call's argument count and the SDK package it came from. */
export interface CheckSpec {
  keyArgument: (argumentCount: number, packageName: string) => number;
  /** Undefined: the check has no fallback argument. */
  defaultArgument?: (argumentCount: number, packageName: string) => number | undefined;
}

export interface JsxSpec {
  /** The attribute that holds the flag key. */
  attribute: string;
  /** The attribute that holds the fallback value, if any. */
  defaultAttribute?: string;
}

export interface SdkPreset {
  sdk: SdkId;
  /** True when a module specifier belongs to this SDK. */
  matchesPackage: (specifier: string) => boolean;
  /** Method or imported-function names that are checks (callee traced to the SDK). */
  checks: Record<string, CheckSpec>;
  /** JSX components imported from the SDK that are checks. */
  jsx: Record<string, JsxSpec>;
  /** Hooks whose result is a flags object keyed by camelCased flag keys (LaunchDarkly `useFlags`). */
  flagObjectHooks: string[];
}

const first = () => 0;
const second = () => 1;
const keyFirst = (defaultArgument?: CheckSpec['defaultArgument']): CheckSpec => ({ keyArgument: first, defaultArgument });

function packages(exact: string[], prefixes: string[] = []): (specifier: string) => boolean {
  return (specifier) => exact.includes(specifier) || prefixes.some((prefix) => specifier.startsWith(prefix));
}

const openFeatureValue = keyFirst(second);
const launchDarklyVariation = keyFirst((count) => (count >= 3 ? 2 : 1));
const statsigServerPackages = ['statsig-node', 'statsig-node-lite', '@statsig/statsig-node-core'];
const statsigCheck: CheckSpec = { keyArgument: (count, pkg) => (statsigServerPackages.includes(pkg) && count >= 2 ? 1 : 0) };

export const SDK_PRESETS: SdkPreset[] = [
  {
    sdk: 'openfeature',
    matchesPackage: packages(
      ['@openfeature/server-sdk', '@openfeature/web-sdk', '@openfeature/react-sdk', '@openfeature/js-sdk', '@openfeature/nestjs-sdk', '@openfeature/angular-sdk', '@openfeature/core'],
    ),
    checks: Object.fromEntries([
      ...['Boolean', 'String', 'Number', 'Object'].flatMap((type) => [
        [`get${type}Value`, openFeatureValue],
        [`get${type}Details`, openFeatureValue],
        [`use${type}FlagValue`, openFeatureValue],
        [`use${type}FlagDetails`, openFeatureValue],
      ]),
      ['useFlag', openFeatureValue],
      ['useSuspenseFlag', openFeatureValue],
    ]),
    jsx: {},
    flagObjectHooks: [],
  },
  {
    sdk: 'launchdarkly',
    matchesPackage: packages(
      ['launchdarkly-node-server-sdk', 'launchdarkly-js-client-sdk', 'launchdarkly-react-client-sdk', 'launchdarkly-node-client-sdk', 'launchdarkly-react-native-client-sdk'],
      ['@launchdarkly/'],
    ),
    checks: Object.fromEntries(
      ['variation', 'boolVariation', 'stringVariation', 'numberVariation', 'jsonVariation'].flatMap((name) => [
        [name, launchDarklyVariation],
        [`${name}Detail`, launchDarklyVariation],
      ]),
    ),
    jsx: {},
    flagObjectHooks: ['useFlags'],
  },
  {
    sdk: 'unleash',
    matchesPackage: packages(['unleash-client', '@unleash/proxy-client-react', 'unleash-proxy-client', '@unleash/nextjs', '@unleash/proxy-client-vue', '@unleash/proxy-client-svelte']),
    checks: {
      isEnabled: keyFirst((count) => (count >= 3 ? 2 : undefined)),
      getVariant: keyFirst((count) => (count >= 3 ? 2 : undefined)),
      useFlag: keyFirst(),
      useVariant: keyFirst(),
      // @unleash/nextjs: flags.isEnabled / getVariant on the result of flagsClient(...), plus these hooks.
      useFlagStatus: keyFirst(),
    },
    jsx: {},
    flagObjectHooks: [],
  },
  {
    sdk: 'growthbook',
    matchesPackage: packages(['@growthbook/growthbook', '@growthbook/growthbook-react']),
    checks: {
      isOn: keyFirst(),
      isOff: keyFirst(),
      getFeatureValue: keyFirst(second),
      evalFeature: keyFirst(),
      feature: keyFirst(),
      useFeatureIsOn: keyFirst(),
      useFeatureValue: keyFirst(second),
      useFeature: keyFirst(),
    },
    jsx: { IfFeatureEnabled: { attribute: 'feature' }, FeatureString: { attribute: 'feature', defaultAttribute: 'default' } },
    flagObjectHooks: [],
  },
  {
    sdk: 'flagsmith',
    matchesPackage: packages(['flagsmith', 'flagsmith-nodejs', 'flagsmith/react', 'flagsmith/isomorphic', 'flagsmith-es', 'react-native-flagsmith']),
    checks: {
      hasFeature: keyFirst(),
      getValue: keyFirst(),
      // flagsmith-nodejs: (await flagsmith.getEnvironmentFlags()).isFeatureEnabled(key)
      isFeatureEnabled: keyFirst(),
      getFeatureValue: keyFirst(),
    },
    jsx: {},
    flagObjectHooks: [],
  },
  {
    sdk: 'configcat',
    matchesPackage: packages(['@configcat/sdk'], ['configcat-']),
    checks: {
      getValueAsync: keyFirst(second),
      getValue: keyFirst(second),
      getValueDetailsAsync: keyFirst(second),
      getValueDetails: keyFirst(second),
      useFeatureFlag: keyFirst(second),
    },
    jsx: {},
    flagObjectHooks: [],
  },
  {
    sdk: 'statsig',
    matchesPackage: packages(['statsig-js', 'statsig-react', 'statsig-node', 'statsig-node-lite', 'statsig-react-native'], ['@statsig/']),
    checks: {
      checkGate: statsigCheck,
      getExperiment: statsigCheck,
      getDynamicConfig: statsigCheck,
      getFeatureGate: statsigCheck,
      getLayer: statsigCheck,
      useGate: keyFirst(),
      useFeatureGate: keyFirst(),
      useExperiment: keyFirst(),
      useDynamicConfig: keyFirst(),
      useGateValue: keyFirst(),
    },
    jsx: {},
    flagObjectHooks: [],
  },
  {
    sdk: 'posthog',
    matchesPackage: packages(['posthog-js', 'posthog-node', 'posthog-js/react', 'posthog-react-native', 'posthog-js/lib/src/react']),
    checks: {
      isFeatureEnabled: keyFirst(),
      getFeatureFlag: keyFirst(),
      getFeatureFlagPayload: keyFirst(),
      useFeatureFlagEnabled: keyFirst(),
      useFeatureFlagVariantKey: keyFirst(),
      useFeatureFlagPayload: keyFirst(),
    },
    jsx: { PostHogFeature: { attribute: 'flag' } },
    flagObjectHooks: [],
  },
];

/** The preset a module specifier belongs to, if any. */
export function presetForPackage(specifier: string): SdkPreset | undefined {
  return SDK_PRESETS.find((preset) => preset.matchesPackage(specifier));
}

/**
 * Substrings whose presence in a file's text means it may import an SDK. The prefilter is allowed false
 * positives (they only cost a parse), never false negatives for SDK imports.
 */
export const SDK_SPECIFIER_TRIGGERS = ['@openfeature/', 'launchdarkly', 'unleash', 'growthbook', 'flagsmith', 'configcat', 'statsig', 'posthog'];

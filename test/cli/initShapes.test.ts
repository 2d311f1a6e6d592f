// `flaglens init` on the flag-check idioms of real open-source codebases other than the corpus (their call shapes,
// written small): Sentry's `organization.features.includes('x')`, Unleash's `useUiFlag('x')`,
// `uiConfig.flags.x` and `this.flagResolver.isEnabled('x')`, GitLab's `gon.features.x` / `this.glFeatures.x`,
// PostHog's `featureFlags[FEATURE_FLAGS.X]`. No flag definitions: each is proposed by its shape, and nothing else
// (a plain `tabs.includes('a')` next to Sentry's check is not).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../core/src/config.js';
import { makeWorkspace, runFlaglens } from './cliHarness.js';

const idioms: Record<string, { files: Record<string, string>; checks: string[] }> = {
  sentry: {
    files: {
      "src/a.tsx": "declare const organization: { features: string[]; slug: string };\nexport function Nav() {\n  const tabs = ['a', 'b'];\n  if (tabs.includes('a')) console.log('x');\n  const hasDiscover = organization.features.includes('discover-query');\n  return organization.features.includes('performance-view') ? (hasDiscover ? 1 : 2) : organization.features.includes('session-replay') && 3;\n}\n",
    },
    checks: ["call features.includes"],
  },
  unleash: {
    files: {
      "src/b.ts": "declare const useUiConfig: () => { uiConfig: { flags: Record<string, boolean> } };\ndeclare function useUiFlag(name: string): boolean;\nexport function Page() {\n  const { uiConfig } = useUiConfig();\n  const strategy = useUiFlag('newStrategyConfiguration');\n  if (uiConfig.flags.newProjectOverview) return 1;\n  return strategy && useUiFlag('outdatedSdksBanner');\n}\nexport class Store {\n  constructor(private flagResolver: { isEnabled(name: string): boolean }) {}\n  list() {\n    if (this.flagResolver.isEnabled('anonymiseEventLog')) return [];\n    return this.flagResolver.isEnabled('disableBulkToggle') ? [1] : [2];\n  }\n}\n",
    },
    checks: ["call flagResolver.isEnabled", "call useUiFlag", "property uiConfig.flags"],
  },
  gitlab: {
    files: {
      "src/c.js": "export default {\n  computed: {\n    showNew() { return this.glFeatures.newNavigation && gon.features.vueIssues; },\n    other() { return gon.features.mergeTrains ? 1 : 0; },\n  },\n};\n",
    },
    checks: ["property gon.features", "property glFeatures"],
  },
  posthog: {
    files: {
      "src/constants.ts": "export const FEATURE_FLAGS = { PERSON_FEED: 'person-feed-canvas', NOTEBOOKS: 'notebooks' } as const;\n",
      "src/d.tsx": "import { FEATURE_FLAGS } from './constants';\ndeclare function useValues<T>(logic: T): { featureFlags: Record<string, boolean> };\ndeclare const featureFlagLogic: unknown;\nexport function Scene() {\n  const { featureFlags } = useValues(featureFlagLogic);\n  return featureFlags[FEATURE_FLAGS.PERSON_FEED] ? 'feed' : featureFlags[FEATURE_FLAGS.NOTEBOOKS] && 'nb';\n}\n",
    },
    checks: ["property featureFlags"],
  },
};

for (const [project, idiom] of Object.entries(idioms)) {
  test(`init proposes ${project}'s flag checks by their shape, and only those`, async () => {
    const run = await runFlaglens(['init', makeWorkspace(idiom.files), '--yes', '--print']);
    assert.equal(run.code, 0, run.stderr);
    const { config, errors } = parseConfig(run.stdout, 'flaglens.yaml');
    assert.deepEqual(errors, []);
    const checks = config.checks.map((check) => (check.kind === 'call' ? `call ${check.call}` : check.kind === 'property' ? `property ${check.property}` : `jsx ${check.jsx} ${check.attribute}`)).sort();
    assert.deepEqual(checks, [...idiom.checks].sort());
  });
}

// The stable hygiene rule codes FL001–FL009: severity, names and help text, in one table that the rules,
// the report formats (SARIF rule metadata, markdown) and docs/rules.md all agree on.
import type { FindingCode, Severity } from '../model.js';

export interface RuleDescription {
  code: FindingCode;
  /** PascalCase name (SARIF `rules[].name`). */
  name: string;
  severity: Severity;
  /** One line: what the finding means. */
  title: string;
  /** What to do about it, a few sentences (SARIF help text, docs). */
  help: string;
  /** Anchor of the rule's section in docs/rules.md. */
  anchor: string;
}

/** Where docs/rules.md is published; SARIF `helpUri`s point at its anchors. Change it in one place. */
export const RULES_DOCUMENTATION_URL = 'https://example.invalid/flaglens/blob/main/docs/rules.md';

export const RULES: readonly RuleDescription[] = [
  {
    code: 'FL001',
    name: 'StaleFlag',
    severity: 'warning',
    title: 'Stale flag: fully released but still checked in code',
    help: 'The flag has been at 100% and enabled for at least stale.releasedDays (default 14) days. Remove the flag check and keep the enabled branch (`flaglens cleanup KEY`), then remove the flag from the definitions.',
    anchor: 'fl001-stale-flag',
  },
  {
    code: 'FL002',
    name: 'RemovedFlag',
    severity: 'warning',
    title: 'Removed flag: checked in code but archived or removed from the definitions',
    help: 'The flag was archived or deleted from the state (the state file\'s git history or the provider says so), so this check always returns its code default. Remove the check, keeping the branch the default selects.',
    anchor: 'fl002-removed-flag',
  },
  {
    code: 'FL003',
    name: 'UnknownFlag',
    severity: 'error',
    title: 'Unknown flag: checked in code but never defined',
    help: 'No flag with this key is defined, and none ever was. Usually a typo: the finding suggests the closest defined keys (edit distance and camelCase/kebab-case/snake_case variants). Fix the key or define the flag.',
    anchor: 'fl003-unknown-flag',
  },
  {
    code: 'FL004',
    name: 'UnusedFlag',
    severity: 'info',
    title: 'Unused flag: defined and enabled for someone, but no check in code',
    help: 'The flag is served to users but no code reads it. Remove it from the definitions, or add the check it was meant for. Reported at the definition in the state file.',
    anchor: 'fl004-unused-flag',
  },
  {
    code: 'FL005',
    name: 'InconsistentDefault',
    severity: 'warning',
    title: 'Inconsistent default: call sites of one flag disagree on the fallback value',
    help: 'When the flag cannot be evaluated (provider down, flag removed), these call sites behave differently. Use one default for every check of the flag, ideally through a constant or a wrapper.',
    anchor: 'fl005-inconsistent-default',
  },
  {
    code: 'FL006',
    name: 'UnhealthyRollout',
    severity: 'error',
    title: 'Unhealthy rollout: a canary or rolling flag whose health checks are failing',
    help: 'The metrics configured in flaglens.yaml show the flag\'s "on" variant failing its checks while it is exposed to part of the users. Abort the rollout (`flaglens abort KEY --reason …`) and investigate.',
    anchor: 'fl006-unhealthy-rollout',
  },
  {
    code: 'FL007',
    name: 'UnresolvedKey',
    severity: 'info',
    title: 'Unresolved key: the flag key is computed at run time',
    help: 'The key expression cannot be resolved statically (a dynamic expression, a parameter, an unresolved import), so Flaglens cannot tell which flag is checked here. Prefer literal keys or constants.',
    anchor: 'fl007-unresolved-key',
  },
  {
    code: 'FL008',
    name: 'ExpiredFlag',
    severity: 'warning',
    title: 'Expired flag: past its metadata.expiresAt',
    help: 'The flag\'s owner said it would be gone by its expiry date. Remove it, or extend metadata.expiresAt with a reason.',
    anchor: 'fl008-expired-flag',
  },
  {
    code: 'FL009',
    name: 'PotentiallyStaleFlag',
    severity: 'info',
    title: 'Potentially stale: older than its type\'s expected lifetime and not released',
    help: 'Flags of this type are expected to live stale.lifetimes days (Unleash\'s defaults: release 40, experiment 40, operational 7; kill-switch and permission flags never go stale). Finish the rollout or remove the flag.',
    anchor: 'fl009-potentially-stale-flag',
  },
];

const byCode = new Map(RULES.map((rule) => [rule.code, rule]));

export function ruleDescription(code: FindingCode): RuleDescription {
  return byCode.get(code)!;
}

export function ruleHelpUri(code: FindingCode): string {
  return `${RULES_DOCUMENTATION_URL}#${ruleDescription(code).anchor}`;
}

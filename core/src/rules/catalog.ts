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
  /** The rule compares the code with the flag definitions: with none found (no flagd file, no provider) it is off. */
  needsDefinitions: boolean;
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
    needsDefinitions: true,
  },
  {
    code: 'FL002',
    name: 'RemovedFlag',
    severity: 'warning',
    title: 'Removed flag: checked in code but archived or removed from the definitions',
    help: 'The flag was archived or deleted from the state (the state file\'s git history or the provider says so), so this check always returns its code default. Remove the check, keeping the branch the default selects.',
    anchor: 'fl002-removed-flag',
    needsDefinitions: true,
  },
  {
    code: 'FL003',
    name: 'UnknownFlag',
    severity: 'error',
    title: 'Unknown flag: checked in code but not in the flag definitions',
    help: 'No flag with this key is in the definitions (and, when their git history was read, none ever was: otherwise it is FL002). Usually a typo: the finding suggests the closest defined keys (edit distance and camelCase/kebab-case/snake_case variants). Fix the key or define the flag.',
    anchor: 'fl003-unknown-flag',
    needsDefinitions: true,
  },
  {
    code: 'FL004',
    name: 'UnusedFlag',
    severity: 'info',
    title: 'Unused flag: defined and enabled for someone, but no check in code',
    help: 'The flag is served to users but no code reads it. Remove it from the definitions, or add the check it was meant for. Reported at the definition in the state file.',
    anchor: 'fl004-unused-flag',
    needsDefinitions: true,
  },
  {
    code: 'FL005',
    name: 'InconsistentDefault',
    severity: 'warning',
    title: 'Inconsistent default: call sites of one flag disagree on the fallback value',
    help: 'When the flag cannot be evaluated (provider down, flag removed), these call sites behave differently. Use one default for every check of the flag, ideally through a constant or a wrapper.',
    anchor: 'fl005-inconsistent-default',
    needsDefinitions: false,
  },
  {
    code: 'FL006',
    name: 'UnhealthyRollout',
    severity: 'error',
    title: 'Unhealthy rollout: a canary or rolling flag whose health checks are failing',
    help: 'The metrics configured in flaglens.yaml show the flag\'s "on" variant failing its checks while it is exposed to part of the users. Abort the rollout (`flaglens abort KEY --reason …`) and investigate.',
    anchor: 'fl006-unhealthy-rollout',
    needsDefinitions: true,
  },
  {
    code: 'FL007',
    name: 'UnresolvedKey',
    severity: 'info',
    title: 'Unresolved key: the flag key is computed at run time',
    help: 'The key expression cannot be resolved statically (a dynamic expression, a parameter, an unresolved import), so Flaglens cannot tell which flag is checked here. Prefer literal keys or constants.',
    anchor: 'fl007-unresolved-key',
    needsDefinitions: false,
  },
  {
    code: 'FL008',
    name: 'ExpiredFlag',
    severity: 'warning',
    title: 'Expired flag: past its metadata.expiresAt',
    help: 'The flag\'s owner said it would be gone by its expiry date. Remove it, or extend metadata.expiresAt with a reason.',
    anchor: 'fl008-expired-flag',
    needsDefinitions: true,
  },
  {
    code: 'FL009',
    name: 'PotentiallyStaleFlag',
    severity: 'info',
    title: 'Potentially stale: older than its type\'s expected lifetime and not released',
    help: 'Flags of this type are expected to live stale.lifetimes days (Unleash\'s defaults: release 40, experiment 40, operational 7; kill-switch and permission flags never go stale). Finish the rollout or remove the flag.',
    anchor: 'fl009-potentially-stale-flag',
    needsDefinitions: true,
  },
];

const byCode = new Map(RULES.map((rule) => [rule.code, rule]));

export function ruleDescription(code: FindingCode): RuleDescription {
  return byCode.get(code)!;
}

/** The rules that are off when no flag definitions are found. */
export const RULES_NEEDING_DEFINITIONS: readonly FindingCode[] = RULES.filter((rule) => rule.needsDefinitions).map((rule) => rule.code);

/**
 * What a report says when no flag definitions were found: which rules are off and how to turn them on. One
 * sentence for every format (text, markdown, GitHub notice, SARIF notification, JSON).
 */
export function noDefinitionsNotice(): string {
  const codes = RULES_NEEDING_DEFINITIONS;
  const list = codes.length > 1 ? `${codes.slice(0, -1).join(', ')} and ${codes[codes.length - 1]}` : codes.join('');
  return `no flag definitions found (flagd files, Unleash): ${list} are off. Add a flagd file (*.flagd.yaml) or a \`state:\` section to flaglens.yaml`;
}

export function ruleHelpUri(code: FindingCode): string {
  return `${RULES_DOCUMENTATION_URL}#${ruleDescription(code).anchor}`;
}

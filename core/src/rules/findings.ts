// The hygiene rules FL001–FL009: a pure function from flag references, rollout state, config and clock
// (plus optional health and a source reader for suppression comments) to findings. No IO of its own.
import type { FlaglensConfig } from '../config.js';
import type { Clock } from '../io.js';
import type { Finding, FindingCode, FlagHealth, FlagReference, FlagState, StateSnapshot } from '../model.js';
import { ruleDescription } from './catalog.js';
import { createKeySuggester, createReferenceKeyMatcher } from './keys.js';
import { mayHoldSuppression, SourceLines, suppressionCommentsFor, type SuppressionComment } from './suppression.js';
import { compareText } from '../collation.js';

export interface FindingsInput {
  references: FlagReference[];
  state: StateSnapshot;
  config: Pick<FlaglensConfig, 'stale' | 'rollout'>;
  clock: Clock;
  /** Health per flag key (live metrics); FL006 needs it. */
  health?: Map<string, FlagHealth>;
  /** Text of a workspace-relative file (source or state file) for suppression comments; undefined: unreadable. */
  readSource?: (file: string) => string | undefined;
}

/** A reference joined with the real flag key it names (after camelCase mapping), null when unresolved. */
export interface ResolvedReference {
  reference: FlagReference;
  flagKey: string | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Joins each reference with the real key it names: known keys are defined and removed flags. */
export function resolveReferenceKeys(references: FlagReference[], state: StateSnapshot): ResolvedReference[] {
  const match = createReferenceKeyMatcher([...state.flags.map((flag) => flag.key), ...state.removedKeys]);
  return references.map((reference) => ({ reference, flagKey: match(reference) }));
}

/** Whole days from an ISO date to now; undefined when the date is missing or unreadable. */
export function daysSince(isoDate: string | null | undefined, now: Date): number | undefined {
  if (!isoDate) return undefined;
  const time = Date.parse(isoDate);
  if (Number.isNaN(time)) return undefined;
  return Math.floor((now.getTime() - time) / DAY_MS);
}

export function isRemovedStage(flag: FlagState): boolean {
  return flag.stage === 'archived' || flag.stage === 'removed';
}

/** Computes every finding, sorted by file, line, column and code; suppressed ones are kept and marked. */
export function computeFindings(input: FindingsInput): Finding[] {
  const now = input.clock.now();
  const flagsByKey = new Map(input.state.flags.map((flag) => [flag.key, flag]));
  const removedKeys = new Set(input.state.removedKeys);
  const definedKeys = input.state.flags.filter((flag) => !isRemovedStage(flag)).map((flag) => flag.key);
  // With no state at all (no flag definitions found), every key would be "unknown": say nothing instead.
  const stateKnown = input.state.flags.length > 0 || removedKeys.size > 0;
  const resolved = resolveReferenceKeys(input.references, input.state);
  const drafts: Draft[] = [];
  // One unknown key is often checked in many places: compute its suggestions once.
  const suggestionCache = new Map<string, string[]>();
  let suggester: ReturnType<typeof createKeySuggester> | undefined;
  const suggestionsFor = (key: string) => {
    suggester ??= createKeySuggester(definedKeys);
    if (!suggestionCache.has(key)) suggestionCache.set(key, suggester(key));
    return suggestionCache.get(key)!;
  };

  for (const { reference, flagKey } of resolved) {
    const at = (code: FindingCode, message: string, data: Record<string, unknown>) =>
      drafts.push({ finding: referenceFinding(code, flagKey, reference, message, data), reference });
    const writtenAs = flagKey !== null && flagKey !== reference.key ? { writtenAs: reference.key } : {};

    if (flagKey === null) {
      const reason = reference.unresolvedReason ?? 'dynamic expression';
      at('FL007', `flag key cannot be resolved statically (${reason}: ${reference.keyExpression}): Flaglens cannot tell which flag is checked here`, {
        reason,
        keyExpression: reference.keyExpression,
      });
      continue;
    }
    const flag = flagsByKey.get(flagKey);
    if (!flag || isRemovedStage(flag)) {
      if (!stateKnown) continue;
      if (flag || removedKeys.has(flagKey)) {
        const how = flag ? `${flag.stage} in ${flag.provider}` : 'removed from the flag definitions';
        at('FL002', `'${flagKey}' was ${how}: this check always returns its code default${describeDefault(reference)}; remove the check`, {
          ...writtenAs,
          stage: flag?.stage ?? 'removed',
          removal: flag ? 'provider' : 'state history',
          default: reference.default,
        });
      } else {
        const suggestions = suggestionsFor(flagKey);
        const hint = suggestions.length ? `; did you mean ${suggestions.map((key) => `'${key}'`).join(' or ')}?` : '';
        // With unreadable state (a malformed file hides its flags), "never defined" may be wrong: say so.
        const caveat = input.state.errors.length ? ' (the flag definitions have errors: it may be defined in an unreadable part)' : '';
        // "Never was" only from a history that was read: a shallow clone or a copy without git cannot know.
        const never = input.state.removalsKnown ? ' and never was' : '';
        at('FL003', `'${flagKey}' is not in the flag definitions${never}${hint}${caveat}`, { suggestions, stateErrors: input.state.errors.length, historyRead: input.state.removalsKnown === true });
      }
      continue;
    }

    const lifetime = input.config.stale.lifetimes[flag.type ?? 'release'];
    if (flag.stage === 'released' && flag.enabled && lifetime !== null) {
      const releasedDays = daysSince(flag.releasedAt, now);
      if (releasedDays !== undefined && releasedDays >= input.config.stale.releasedDays) {
        at('FL001', `'${flagKey}' has been fully released for ${plural(releasedDays, 'day')} (since ${flag.releasedAt!.slice(0, 10)}): remove the flag, keep the enabled branch`, {
          ...writtenAs,
          releasedAt: flag.releasedAt,
          releasedAtSource: flag.releasedAtSource,
          releasedDays,
          thresholdDays: input.config.stale.releasedDays,
          keep: 'enabled branch',
        });
      }
    }

    const health = input.health?.get(flagKey);
    if (health?.status === 'failing' && (flag.stage === 'canary' || flag.stage === 'rolling')) {
      at('FL006', `'${flagKey}' is ${describeStage(flag)} and its health is failing (${health.summary}): abort the rollout?`, {
        ...writtenAs,
        stage: flag.stage,
        percentage: flag.percentage,
        health,
      });
    }

    const expiredDays = daysSince(flag.expiresAt, now);
    if (expiredDays !== undefined && Date.parse(flag.expiresAt!) < now.getTime()) {
      const ago = expiredDays === 0 ? 'today' : `${plural(expiredDays, 'day')} ago`;
      at('FL008', `'${flagKey}' expired ${ago} (expiresAt ${flag.expiresAt!.slice(0, 10)}): remove the flag or extend its expiry`, {
        ...writtenAs,
        expiresAt: flag.expiresAt,
        expiredDays,
      });
    }

    const ageDays = daysSince(flag.createdAt, now);
    if (lifetime !== null && ageDays !== undefined && ageDays > lifetime && flag.stage !== 'released') {
      at('FL009', `'${flagKey}' (${flag.type ?? 'release'}) was created ${plural(ageDays, 'day')} ago, past its expected lifetime of ${plural(lifetime, 'day')}, and is ${describeStage(flag)}: potentially stale`, {
        ...writtenAs,
        type: flag.type ?? 'release',
        createdAt: flag.createdAt,
        ageDays,
        lifetimeDays: lifetime,
        stage: flag.stage,
      });
    }
  }

  drafts.push(...inconsistentDefaults(resolved));
  if (stateKnown) drafts.push(...unusedFlags(input.state.flags, resolved));
  const findings = applySuppressions(drafts, input.readSource);
  return findings.sort(compareFindings);
}

export function compareFindings(a: Finding, b: Finding): number {
  return compareText(a.file, b.file) || a.line - b.line || a.column - b.column || compareText(a.code, b.code);
}

// ---------------------------------------------------------------------------------------------

interface Draft {
  finding: Finding;
  /** The reference the finding is on (its check may start on a line above the finding's); none for a state file's. */
  reference?: FlagReference;
}

function referenceFinding(code: FindingCode, key: string | null, reference: FlagReference, message: string, data: Record<string, unknown>): Finding {
  return {
    code,
    severity: ruleDescription(code).severity,
    key,
    file: reference.file,
    line: reference.line,
    column: reference.column,
    endLine: reference.endLine,
    endColumn: reference.endColumn,
    message,
    data: { ...data, call: reference.call, sdk: reference.sdk, keyExpression: reference.keyExpression },
  };
}

/** FL005: the literal defaults of one flag's call sites disagree; reported on each site that has one. */
function inconsistentDefaults(resolved: ResolvedReference[]): Draft[] {
  const byKey = new Map<string, FlagReference[]>();
  for (const { reference, flagKey } of resolved) {
    if (flagKey === null || reference.default === undefined) continue;
    byKey.set(flagKey, [...(byKey.get(flagKey) ?? []), reference]);
  }
  const drafts: Draft[] = [];
  for (const [key, references] of byKey) {
    const distinct = new Set(references.map((reference) => JSON.stringify(reference.default)));
    if (distinct.size < 2) continue;
    const defaults = references.map((reference) => ({ value: reference.default, file: reference.file, line: reference.line, column: reference.column }));
    for (const reference of references) {
      const mine = JSON.stringify(reference.default);
      const others = defaults
        .filter((other) => JSON.stringify(other.value) !== mine)
        .map((other) => `${JSON.stringify(other.value)} at ${other.file}:${other.line}`);
      drafts.push({
        finding: referenceFinding('FL005', key, reference, `call sites of '${key}' disagree on the default: ${mine} here, ${others.join(', ')}`, {
          default: reference.default,
          defaults,
        }),
        reference,
      });
    }
  }
  return drafts;
}

/** FL004: flags served to someone (enabled, above 0% or targeted) that no code checks; at their definition. */
function unusedFlags(flags: FlagState[], resolved: ResolvedReference[]): Draft[] {
  const referenced = new Set(resolved.map((entry) => entry.flagKey));
  const unresolvedChecks = resolved.filter((entry) => entry.flagKey === null).length;
  const drafts: Draft[] = [];
  for (const flag of flags) {
    if (referenced.has(flag.key) || isRemovedStage(flag) || !flag.enabled || !flag.definition) continue;
    if (!(flag.stage === 'targeted' || (flag.percentage ?? 0) > 0)) continue;
    const caveat = unresolvedChecks ? ` (${plural(unresolvedChecks, 'check')} with a dynamic key could not be resolved)` : '';
    drafts.push({
      finding: {
        code: 'FL004',
        severity: ruleDescription('FL004').severity,
        key: flag.key,
        file: flag.definition.file,
        line: flag.definition.line,
        column: flag.definition.column,
        endLine: flag.definition.endLine,
        endColumn: flag.definition.endColumn,
        message: `'${flag.key}' is ${describeStage(flag)} but no code checks it: remove it from the definitions or add the check${caveat}`,
        data: { stage: flag.stage, percentage: flag.percentage, owner: flag.owner, unresolvedChecks },
      },
    });
  }
  return drafts;
}

function applySuppressions(drafts: Draft[], readSource: FindingsInput['readSource']): Finding[] {
  const sources = new Map<string, SourceLines | undefined>();
  const linesOf = (file: string) => {
    if (!sources.has(file)) {
      const text = readSource?.(file);
      sources.set(file, text === undefined || !mayHoldSuppression(text) ? undefined : new SourceLines(text));
    }
    return sources.get(file);
  };
  const commentsOf = (finding: Finding, reference: FlagReference | undefined): SuppressionComment[] => {
    // The scanner read them with the text: no file is read again (the editor's full pass stays off the disk).
    if (reference?.suppressions) return reference.suppressions;
    const lines = readSource ? linesOf(finding.file) : undefined;
    if (!lines) return [];
    return suppressionCommentsFor((line) => lines.line(line), finding.line, reference ? lines.lineOfOffset(reference.checkStart) : undefined);
  };
  return drafts.map(({ finding, reference }) => {
    for (const comment of commentsOf(finding, reference)) {
      if (!comment.codes.includes(finding.code)) continue;
      if (comment.reason) return { ...finding, suppressed: { reason: comment.reason } };
      const why = `flaglens-ignore on line ${comment.line} does not suppress this: it needs a reason (// flaglens-ignore ${finding.code} <why>)`;
      return { ...finding, message: `${finding.message} [${why}]`, data: { ...finding.data, suppressionRejected: why } };
    }
    return finding;
  });
}

function describeDefault(reference: FlagReference): string {
  if (reference.default !== undefined) return ` (${JSON.stringify(reference.default)})`;
  if (reference.defaultExpression) return ` (${reference.defaultExpression})`;
  return '';
}

export function describeStage(flag: Pick<FlagState, 'stage' | 'percentage'>): string {
  if ((flag.stage === 'canary' || flag.stage === 'rolling') && flag.percentage !== null) return `${flag.stage} at ${flag.percentage}%`;
  return flag.stage;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

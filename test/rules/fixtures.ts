// Hand-made inputs for the rules: references, flag states and a fixed clock, so each rule is tested
// from plain data. `findingLines` renders findings as `file:line:column CODE key` for compact assertions.
import { defaultConfig } from '../../core/src/config.js';
import type { Finding, FlagReference, FlagState, StateSnapshot } from '../../core/src/model.js';
import { computeFindings, type FindingsInput } from '../../core/src/rules/index.js';

export const NOW = new Date('2026-11-27T12:00:00Z');
export const fixedClock = { now: () => NOW };

/** A reference at `file:line:column` (the key expression is one token wide). */
export function reference(key: string | null, at: string, extra: Partial<FlagReference> = {}): FlagReference {
  const [file, line, column] = at.split(':');
  const keyExpression = key === null ? 'dynamicKey' : `'${key}'`;
  return {
    key,
    file,
    line: Number(line),
    column: Number(column),
    endLine: Number(line),
    endColumn: Number(column) + keyExpression.length,
    start: 0,
    end: keyExpression.length,
    checkStart: 0,
    checkEnd: 0,
    sdk: 'openfeature',
    call: 'getBooleanValue',
    keyExpression,
    resolved: key !== null,
    ...extra,
  };
}

/** A released-long-ago release flag unless overridden. */
export function flag(key: string, extra: Partial<FlagState> = {}): FlagState {
  return {
    key,
    stage: 'released',
    percentage: 100,
    enabled: true,
    variants: { on: true, off: false },
    defaultVariant: 'on',
    valueType: 'boolean',
    type: 'release',
    createdAt: '2026-11-20T00:00:00Z',
    releasedAt: '2026-11-25T00:00:00Z',
    releasedAtSource: 'metadata',
    provider: 'flagd',
    fields: {},
    ...extra,
  };
}

export function snapshot(flags: FlagState[], removedKeys: string[] = []): StateSnapshot {
  return { provider: 'flagd', flags, removedKeys, errors: [], fetchedAt: NOW.toISOString() };
}

export function findingsFor(references: FlagReference[], state: StateSnapshot, extra: Partial<FindingsInput> = {}): Finding[] {
  return computeFindings({ references, state, config: defaultConfig(), clock: fixedClock, ...extra });
}

export function findingLines(findings: Finding[]): string[] {
  return findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.code} ${f.key ?? '-'}${f.suppressed ? ' (suppressed)' : ''}`);
}

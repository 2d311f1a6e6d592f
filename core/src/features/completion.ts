// Completion of flag keys inside a flag check's key argument: `getBooleanValue('new-|')`. A position is
// a key argument when the scanner found a check whose key expression is a string literal around it, or,
// while the user is still typing (the call may not parse as a check yet), when the text before the
// cursor is a call to a known check function followed by an open quote.
import { stageLabel } from './describe.js';
import type { FeatureWorkspace } from './workspaceView.js';

export interface KeyCompletion {
  key: string;
  /** e.g. `canary 10% · owner team-checkout`. */
  detail: string;
  documentation?: string;
  /** 0-based offsets of the text the completion replaces (the partial key inside the quotes). */
  replace: { start: number; end: number };
  /** Sort text so flags with references come first, then by key. */
  sortText: string;
}

/** Check-call names every SDK adapter uses, for the typing heuristic (configured calls are added). */
const WELL_KNOWN_CHECK_CALLS = [
  'getBooleanValue', 'getStringValue', 'getNumberValue', 'getObjectValue',
  'getBooleanDetails', 'getStringDetails', 'getNumberDetails', 'getObjectDetails',
  'useBooleanFlagValue', 'useStringFlagValue', 'useNumberFlagValue', 'useObjectFlagValue', 'useFlag',
  'variation', 'boolVariation', 'stringVariation', 'isEnabled', 'getVariant', 'isOn', 'isOff', 'getFeatureValue', 'useFeatureIsOn',
  'useFeatureValue', 'hasFeature', 'getValue', 'getValueAsync', 'checkGate', 'getFeatureFlag', 'isFeatureEnabled', 'useFeatureFlagEnabled',
];

/** Key completions at an offset, or undefined when the offset is not inside a check's key argument. */
export function completeFlagKeys(workspace: FeatureWorkspace, file: string, text: string, offset: number): KeyCompletion[] | undefined {
  const replace = keyArgumentAt(workspace, file, text, offset);
  if (!replace) return undefined;
  const referenced = new Set(workspace.allReferences().map((reference) => workspace.flagKeyOf(reference) ?? reference.key));
  return workspace.flags().map((flag) => {
    const detail = [stageLabel(flag), flag.owner ? `owner ${flag.owner}` : undefined].filter(Boolean).join(' · ');
    return {
      key: flag.key,
      detail,
      documentation: flag.description,
      replace,
      sortText: `${referenced.has(flag.key) ? '0' : '1'}${flag.key}`,
    };
  });
}

/** The string-literal content range around the offset when it is a check's key argument. */
function keyArgumentAt(workspace: FeatureWorkspace, file: string, text: string, offset: number): { start: number; end: number } | undefined {
  for (const reference of workspace.referencesInFile(file)) {
    if (offset < reference.start || offset > reference.end) continue;
    if (!/^['"`]/.test(reference.keyExpression)) continue;
    // Inside the quotes only: between the opening quote and the closing quote.
    if (offset <= reference.start || offset >= reference.end) continue;
    return { start: reference.start + 1, end: reference.end - 1 };
  }
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  const match = /([A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\(\s*(?:[\w$.]+\s*,\s*)?(['"`])([^'"`]*)$/.exec(before);
  if (!match) return undefined;
  const knownCalls = new Set([...WELL_KNOWN_CHECK_CALLS, ...workspace.allReferences().map((reference) => lastSegment(reference.call))]);
  for (const check of workspace.config.checks) if (check.kind === 'call') knownCalls.add(lastSegment(check.call));
  if (!knownCalls.has(match[1])) return undefined;
  const quote = match[2];
  const start = offset - match[3].length;
  let end = offset;
  while (end < text.length && /[\w.\-:/]/.test(text[end]) && text[end] !== quote) end++;
  return { start, end };
}

function lastSegment(call: string): string {
  const parts = call.split('.');
  return parts[parts.length - 1];
}

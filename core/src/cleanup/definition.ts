// Removing a flag's definition from a flagd state file (YAML or JSON) once its code is cleaned: one minimal
// text edit, so every other flag, comment and the file's formatting stay exactly as they were. The
// comment lines directly above a YAML flag describe it and go with it.
import { parseDocument, isMap, isScalar, type Node, type Pair } from 'yaml';
import type { TextEdit } from './textEdits.js';

export type DefinitionRemoval = { edit: TextEdit } | { error: string };

/** The edit removing `flags.<key>` from a flagd file's text, or why it cannot. */
export function removeFlagDefinition(text: string, key: string): DefinitionRemoval {
  const document = parseDocument(text, { keepSourceTokens: false });
  if (document.errors.length) return { error: `the state file does not parse: ${document.errors[0]!.message.split('\n')[0]}` };
  const flags = document.get('flags', true) as Node | undefined;
  if (!flags || !isMap(flags)) return { error: 'the state file has no `flags` mapping' };
  const pairs = flags.items as Pair<Node, Node>[];
  const index = pairs.findIndex((pair) => isScalar(pair.key) && String(pair.key.value) === key);
  if (index === -1) return { error: `flag '${key}' is not defined in the state file` };
  const pair = pairs[index]!;
  const keyStart = pair.key.range![0];
  const valueRange = pair.value?.range ?? pair.key.range!;
  if (flags.flow) {
    // JSON / flow mapping: take the comma after the pair, or the one before it for the last pair.
    const next = pairs[index + 1];
    if (next) return { edit: { start: keyStart, end: next.key.range![0], newText: '' } };
    const previous = pairs[index - 1];
    if (previous) return { edit: { start: (previous.value?.range ?? previous.key.range!)[1], end: valueRange[1], newText: '' } };
    return { edit: { start: keyStart, end: valueRange[1], newText: '' } };
  }
  let start = text.lastIndexOf('\n', keyStart - 1) + 1;
  // Comment lines right above the key (no blank line between) belong to this flag.
  for (;;) {
    if (start === 0) break;
    const previousLineStart = text.lastIndexOf('\n', start - 2) + 1;
    if (!text.slice(previousLineStart, start).trim().startsWith('#')) break;
    start = previousLineStart;
  }
  let end = valueRange[2] ?? valueRange[1];
  if (end < text.length && text[end - 1] !== '\n') {
    const lineEnd = text.indexOf('\n', end);
    end = lineEnd === -1 ? text.length : lineEnd + 1;
  }
  return { edit: { start, end, newText: '' } };
}

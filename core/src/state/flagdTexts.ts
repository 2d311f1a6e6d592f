// Where a flagd file's text is parsed: what a state load needs (each flag's state, the file's errors) and a bump's or
// abort's new text (edited through the YAML nodes, checked to read back as intended) as plain data, so that another
// thread can do both (the language server's analysis worker: a 500-flag YAML file takes ~150 ms to parse). The
// provider keeps the reading, the locking and the writing; `flagdTextsHere` does the parsing in place (the CLI).
import type { FlagState, InputError } from '../model.js';
import { RolloutRefusedError } from '../model.js';
import { analyzeFlagdText, type FlagdFileAnalysis } from './flagdDocument.js';
import { applyFlagdEdits, flagdAbortEdits, flagdBumpEdits } from './flagdEdit.js';
import { formatRolloutPercentage } from './stages.js';

export interface FlagdTextOptions {
  /** Workspace-relative path used in positions and messages. */
  file: string;
  steps: readonly number[];
}

/** A flagd file as a state load sees it: no YAML nodes, only plain data (it crosses threads). */
export interface FlagdFileSummary {
  file: string;
  /** True when the text has syntax errors: nothing may be written to it. */
  malformed: boolean;
  /** False when the file is not a flagd file at all (no top-level `flags` mapping). */
  isFlagdFile: boolean;
  flags: Array<{ key: string; state: FlagState }>;
  errors: InputError[];
}

export type FlagdRolloutEditRequest = { key: string; kind: 'bump'; to: number; now: string } | { key: string; kind: 'abort'; reason: string; now: string };

export type FlagdRolloutEditResult = { ok: true; text: string; after: FlagdFileSummary } | { ok: false; message: string; reason: RolloutRefusedError['reason'] };

/** The parsing a flagd provider delegates: here (`flagdTextsHere`) or on another thread. */
export interface FlagdTextAnalysis {
  analyze(text: string, options: FlagdTextOptions): Promise<FlagdFileSummary>;
  /** The text after a bump or abort of one flag, checked to read back as intended; refused with a reason otherwise. */
  rolloutEdit(text: string, options: FlagdTextOptions, request: FlagdRolloutEditRequest): Promise<FlagdRolloutEditResult>;
}

export function summarizeFlagdAnalysis(analysis: FlagdFileAnalysis): FlagdFileSummary {
  return {
    file: analysis.file,
    malformed: analysis.malformed,
    isFlagdFile: analysis.isFlagdFile,
    flags: analysis.flags.map((flag) => ({ key: flag.key, state: flag.state })),
    errors: analysis.errors,
  };
}

export function summarizeFlagdText(text: string, options: FlagdTextOptions): FlagdFileSummary {
  return summarizeFlagdAnalysis(analyzeFlagdText(text, options));
}

/** Edits one flag's rollout through the YAML nodes (comments and formatting kept) and reads the result back. */
export function flagdRolloutEdit(text: string, options: FlagdTextOptions, request: FlagdRolloutEditRequest): FlagdRolloutEditResult {
  const before = analyzeFlagdText(text, options);
  const definition = before.flags.find((flag) => flag.key === request.key);
  if (before.malformed) return { ok: false, message: `${options.file} is malformed: fix it before a bump or abort`, reason: 'invalid' };
  if (!definition) return { ok: false, message: `unknown flag '${request.key}': ${options.file} does not define it`, reason: 'not-found' };
  let edited: string;
  try {
    const edits = request.kind === 'bump' ? flagdBumpEdits(before, definition, { to: request.to, now: request.now }) : flagdAbortEdits(before, definition, { reason: request.reason, now: request.now });
    edited = applyFlagdEdits(text, edits);
  } catch (error) {
    if (error instanceof RolloutRefusedError) return { ok: false, message: error.message, reason: error.reason };
    throw error;
  }
  const toPercentage = request.kind === 'bump' ? request.to : 0;
  const after = analyzeFlagdText(edited, options);
  const changed = after.flags.find((flag) => flag.key === request.key);
  const problem = after.malformed
    ? after.errors[0]?.message
    : !changed || changed.invalid
      ? `flag '${request.key}' would not read back as valid flagd`
      : changed.state.percentage !== toPercentage || !changed.state.enabled
        ? `flag '${request.key}' would read back as ${formatRolloutPercentage(changed.state.percentage)} instead of ${toPercentage}%`
        : undefined;
  const afterByKey = new Map(after.flags.map((flag) => [flag.key, flag]));
  const othersChanged = before.flags.some((flag) => {
    if (flag.key === request.key) return false;
    const other = afterByKey.get(flag.key);
    return !other || JSON.stringify({ ...other.state, definition: undefined }) !== JSON.stringify({ ...flag.state, definition: undefined });
  });
  if (problem || othersChanged) {
    return { ok: false, message: `refusing to write ${options.file}: ${problem ?? 'the edit would change other flags'} (please report this)`, reason: 'unsupported' };
  }
  return { ok: true, text: edited, after: summarizeFlagdAnalysis(after) };
}

/** The parsing done in place, on the caller's thread. */
export const flagdTextsHere: FlagdTextAnalysis = {
  analyze: async (text, options) => summarizeFlagdText(text, options),
  rolloutEdit: async (text, options, request) => flagdRolloutEdit(text, options, request),
};

// Proves one "Remove flag" quick fix when the person picks it: plans the rewrite with the cleanup planner (over
// the open buffers and the files on disk), type-checks the changed files and their importers, and returns the
// edits only when the change adds no type error — else the errors, so the editor says why nothing was applied.
// It runs in the language server's cleanup worker (it loads TypeScript and may take seconds).
import { relative } from 'node:path';
import { planRemoveFlagFixes } from '../cleanup/quickFixes.js';
import { checkChangeTypes, type TypeDiagnostic } from '../cleanup/typecheck.js';
import { overlayFileSystem } from '../cleanup/workspace.js';
import type { FileSystem, Timers } from '../io.js';
import { isSourceFile, listWorkspaceFiles } from '../scanner/walk.js';
import type { RemoveFlagJob, RemoveFlagOutcome } from './removeFlag.js';

/** At most this many introduced type errors are named in the refusal (the count says how many more). */
const NAMED_TYPE_ERRORS = 3;

export function proveRemoveFlag(job: RemoveFlagJob, io: { fs: FileSystem; timers: Pick<Timers, 'monotonicMs'> }): RemoveFlagOutcome {
  const fs = overlayFileSystem(io.fs, job.root, new Map(job.buffers));
  const readFile = (file: string): string | undefined => {
    try {
      return fs.readFile(`${job.root}/${file}`);
    } catch {
      return undefined;
    }
  };
  // Every source file, flaglens.yaml's excludes included (tests excluded from the scan still import the cleaned
  // modules): they are searched for uses of wrappers and constants, and type-checked as importers.
  const workspaceFiles = listWorkspaceFiles(io.fs, job.root, [])
    .files.filter((file) => isSourceFile(file))
    .map((file) => relative(job.root, file).split('\\').join('/'));
  const fixes = planRemoveFlagFixes({
    key: job.key,
    value: job.value,
    references: job.references,
    readFile,
    workspaceFiles,
    site: job.scope === 'here' ? job.site : undefined,
    definitionFile: job.scope === 'everywhere' ? job.definitionFile : undefined,
  });
  const fix = fixes.find((candidate) => candidate.kind === job.scope);
  const title = fix?.title ?? `Remove flag \`${job.key}\` ${job.scope}`;
  if (!fix || !fix.edits.length) {
    const skipped = fixes.flatMap((candidate) => candidate.plan.sites).find((site) => site.status === 'skipped');
    return { status: 'nothing', title, message: `Flaglens cannot remove flag '${job.key}' ${job.scope === 'here' ? 'here' : 'anywhere'}${skipped?.reason ? `: ${skipped.reason}` : ': no check of it can be rewritten safely'}` };
  }
  const codeChanges = new Map(fix.plan.changes.map((change) => [change.file, change.after]));
  const check = codeChanges.size ? checkChangeTypes(codeChanges, { root: job.root, fs, workspaceFiles, timers: io.timers }) : { introduced: [] as TypeDiagnostic[], checkedFiles: [] as string[] };
  if (check.introduced.length) return { status: 'refused', title, message: describeTypeErrors(job.key, check.introduced) };
  return { status: 'ok', title, edits: fix.edits, checkedFiles: check.checkedFiles.length };
}

/** "Not applied: removing flag 'x' would add 2 type errors: src/a.ts:3:7: … (TS2304); …". */
function describeTypeErrors(key: string, errors: TypeDiagnostic[]): string {
  const named = errors.slice(0, NAMED_TYPE_ERRORS).map((error) => `${error.file}:${error.line}:${error.column}: ${error.message}${error.code ? ` (TS${error.code})` : ''}`);
  const more = errors.length > NAMED_TYPE_ERRORS ? `; and ${errors.length - NAMED_TYPE_ERRORS} more` : '';
  return `Not applied: removing flag '${key}' would add ${errors.length} type error${errors.length === 1 ? '' : 's'}: ${named.join('; ')}${more}`;
}

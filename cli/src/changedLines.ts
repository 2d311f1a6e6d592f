// The code-review mode of `flaglens check --changed-since REF`: which lines of a file were added or changed
// since REF (git diff against the working tree), with untracked files counting as entirely changed.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Finding, GitHost } from '../../core/src/index.js';
import { UsageError } from './command.js';

/** `all` for a file git does not track yet; undefined when git cannot say (then nothing is filtered out). */
export type ChangedLines = Set<number> | 'all' | undefined;

export interface ChangedLinesSource {
  changedLines(file: string): ChangedLines;
}

/** Git-backed source for a workspace root; a usage error when REF is not a commit. */
export function gitChangedLines(root: string, ref: string, git: GitHost): ChangedLinesSource {
  if (!runGit(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])) {
    throw new UsageError(`--changed-since: '${ref}' is not a git commit in ${root}`);
  }
  const prefix = runGit(root, ['rev-parse', '--show-prefix'])?.trim() ?? '';
  const cache = new Map<string, ChangedLines>();
  return {
    changedLines(file) {
      if (!cache.has(file)) {
        const absolute = join(root, file);
        const tracked = runGit(root, ['ls-files', '--error-unmatch', '--', file]) !== undefined;
        const existedAtRef = runGit(root, ['cat-file', '-e', `${ref}:${prefix}${file}`]) !== undefined;
        cache.set(file, !tracked || !existedAtRef ? 'all' : git.changedLines?.(absolute, ref));
      }
      return cache.get(file);
    },
  };
}

/**
 * Keeps the findings on added or changed lines: a new check of an already stale or removed flag is on an added
 * line, so it is kept even though the flag's state did not change.
 */
export function filterChangedFindings(findings: Finding[], source: ChangedLinesSource): Finding[] {
  return findings.filter((finding) => {
    const changed = source.changedLines(finding.file);
    if (changed === undefined || changed === 'all') return true;
    const last = Math.max(finding.line, finding.endLine ?? finding.line);
    for (let line = finding.line; line <= last; line++) if (changed.has(line)) return true;
    return false;
  });
}

/** The workspace folder relative to its git repository's root (`packages/web`), '' at the root or outside git. */
export function workspacePathInRepository(root: string): string {
  return (runGit(root, ['rev-parse', '--show-prefix']) ?? '').trim().replace(/\/+$/, '');
}

function runGit(cwd: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

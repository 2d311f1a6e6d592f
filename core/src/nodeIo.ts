// Node implementations of the core's IO interfaces, used by the CLI and the language server.
import * as fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, basename } from 'node:path';
import type { FileSystem, GitHost, FileRevision, WorkspaceFileWriter } from './io.js';
import { nodeFileStore } from './state/nodeFileStore.js';

export const nodeFileSystem: FileSystem = {
  readFile: (path) => fs.readFileSync(path, 'utf8'),
  readFileBytes: (path) => fs.readFileSync(path),
  readDirectory: (path) =>
    fs.readdirSync(path, { withFileTypes: true }).map((entry) => ({
      name: entry.name,
      isFile: entry.isFile(),
      isDirectory: entry.isDirectory(),
      isSymbolicLink: entry.isSymbolicLink(),
    })),
  stat: (path) => {
    const stat = fs.statSync(path);
    return { size: stat.size, isFile: stat.isFile(), isDirectory: stat.isDirectory(), mtimeMs: stat.mtimeMs };
  },
  realpath: (path) => fs.realpathSync(path),
  exists: (path) => fs.existsSync(path),
};

/** Flaglens' own files under `.flaglens/`, through the state files' atomic replace (temp file, fsync, rename). */
export const nodeWorkspaceFileWriter: WorkspaceFileWriter = {
  writeFile(path, content) {
    fs.mkdirSync(dirname(path), { recursive: true });
    nodeFileStore.replaceAtomically(path, content);
  },
  removeFile: (path) => fs.rmSync(path, { force: true }),
};

function git(cwd: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
  } catch {
    return undefined;
  }
}

/** Git through the `git` executable; every failure (no git, not a repository) reads as "no history". */
export const nodeGitHost: GitHost = {
  fileHistory(absPath, limit = 200) {
    const cwd = dirname(absPath);
    const log = git(cwd, ['log', `-n${limit}`, '--format=%H %cI', '--follow', '--', basename(absPath)]);
    if (!log) return [];
    const top = git(cwd, ['rev-parse', '--show-toplevel'])?.trim();
    if (!top) return [];
    const relative = fs.realpathSync(absPath).slice(fs.realpathSync(top).length + 1);
    const revisions: FileRevision[] = [];
    for (const line of log.trim().split('\n')) {
      const [commit, date] = line.split(' ');
      if (!commit) continue;
      revisions.push({ commit, date, content: git(top, ['show', `${commit}:${relative}`]) });
    }
    return revisions;
  },
  changedLines(absPath, ref) {
    const cwd = dirname(absPath);
    const diff = git(cwd, ['diff', '--unified=0', '--no-color', ref, '--', basename(absPath)]);
    if (diff === undefined) return undefined;
    const lines = new Set<number>();
    for (const match of diff.matchAll(/^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/gm)) {
      const start = Number(match[1]);
      const count = match[2] === undefined ? 1 : Number(match[2]);
      for (let i = 0; i < count; i++) lines.add(start + i);
    }
    return lines;
  },
};

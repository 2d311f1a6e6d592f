// Shared helpers for the rollout-state tests: flagd's own evaluator over a file's text, temporary workspaces,
// and a ProviderContext built from real node IO.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { FlagdCore } from '@openfeature/flagd-core';
import { defaultConfig, type FlaglensConfig } from '../../core/src/config.js';
import { nodeFileSystem, nodeFileWriter, nodeGitHost } from '../../core/src/nodeIo.js';
import { systemTimers, type Clock, type FileWriter, type GitHost } from '../../core/src/io.js';
import type { ProviderContext } from '../../core/src/model.js';
import { noTokens } from '../../core/src/trust.js';

const silentLogger = { error() {}, warn() {}, info() {}, debug() {} };

/** Loads flagd text (JSON or YAML) into flagd-core, throwing if flagd-core rejects it. */
export function flagdCoreFor(text: string): FlagdCore {
  const core = new FlagdCore(undefined, silentLogger);
  const json = JSON.stringify(parseYaml(text));
  core.setConfigurations(json);
  return core;
}

/** The share (0–100) of `count` targeting keys that flagd-core evaluates to `true` for a boolean flag. */
export function evaluatedShare(text: string, key: string, count = 10_000): number {
  const core = flagdCoreFor(text);
  let on = 0;
  for (let i = 0; i < count; i++) {
    const result = core.resolveBooleanEvaluation(key, false, { targetingKey: `user-${i}`, email: `user-${i}@example.com` });
    if (result.errorCode) throw new Error(`flagd-core error for ${key}: ${result.errorCode} ${result.errorMessage}`);
    if (result.value === true) on++;
  }
  return (on / count) * 100;
}

/** A temporary folder with `files` (path → content); `cleanup` removes it. */
export function temporaryWorkspace(files: Record<string, string>): { root: string; write(path: string, content: string): void; cleanup(): void } {
  const root = mkdtempSync(join(tmpdir(), 'flaglens-state-'));
  const write = (path: string, content: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  };
  for (const [path, content] of Object.entries(files)) write(path, content);
  return { root, write, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export function fixedClock(iso: string): Clock {
  return { now: () => new Date(iso) };
}

export const noGit: GitHost = { fileHistory: () => [] };

/** A git repository in `root` whose commits carry the given dates. */
export function gitRepository(root: string) {
  const git = (args: string[], date?: string) =>
    execFileSync('git', args, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com', ...(date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {}) },
    }).toString();
  git(['init', '-q', '-b', 'main']);
  return {
    commit(message: string, date: string) {
      git(['add', '-A']);
      git(['commit', '-q', '-m', message], date);
    },
  };
}

export function providerContext(
  root: string,
  overrides: { config?: Partial<FlaglensConfig>; clock?: Clock; git?: GitHost; allowNetwork?: boolean; writer?: FileWriter; allowOutsideWorkspace?: boolean } = {},
): ProviderContext {
  return {
    root,
    config: { ...defaultConfig(), ...overrides.config },
    fs: nodeFileSystem,
    git: overrides.git ?? nodeGitHost,
    clock: overrides.clock ?? fixedClock('2026-03-01T12:00:00.000Z'),
    timers: systemTimers,
    writer: overrides.writer ?? nodeFileWriter,
    tokens: noTokens,
    allowNetwork: overrides.allowNetwork ?? true,
    allowOutsideWorkspace: overrides.allowOutsideWorkspace,
  };
}
